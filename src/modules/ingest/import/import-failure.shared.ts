// Shared with the console (no imports): how a failed import's `failure` text is written and read back.

/** Why an import failed: its process died (`interrupted`), or an error stopped it (`stopped`, with the error's code). */
export type ImportFailure = { kind: 'interrupted' } | { kind: 'stopped'; code: string };

export const INTERRUPTED =
  'interrupted: the process importing it stopped (a crash or a restart). Import the file again to complete it; rows stored before are skipped as duplicates.';

/**
 * The failure text of an import an error stopped: the error's code only (an AppError's, or PostgreSQL's
 * SQLSTATE) — a message may quote a row's values, which are personal data.
 */
export const stoppedText = (code: string): string =>
  `stopped by an error [${/^[A-Za-z0-9_.]{1,64}$/.test(code) ? code : 'internal'}]: rows written before it are kept. Import the file again to complete it; they are skipped as duplicates.`;

/** Reads a failure text back; `undefined` for one written otherwise (older versions). */
export const parseImportFailure = (text: string): ImportFailure | undefined => {
  if (text.startsWith('interrupted')) return { kind: 'interrupted' };
  const code = /^stopped by an error \[([^\]]+)\]/.exec(text)?.[1];
  return code ? { kind: 'stopped', code } : undefined;
};

import { once } from 'node:events';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { cliActor } from '../../modules/auth/index.ts';
import { ERROR_REPORT_HEADER, errorReportLines } from '../../modules/ingest/import/error-report.ts';
import { parseMappingText } from '../../modules/ingest/import/field-mapping.ts';
import type { RowError } from '../../modules/ingest/import/import.repository.ts';
import { IMPORT_KINDS, isImportKind } from '../../modules/ingest/import/import-kinds.ts';
import type { DateOrder } from '../../modules/ingest/import/parse-values.ts';
import { importFile } from '../../modules/ingest/import/run-import.ts';
import { systemClock } from '../../platform/clock.ts';
import { AppError } from '../../platform/errors.ts';
import { withDatabase } from '../context.ts';
import { progressReporter } from '../progress.ts';

export type ImportCommandOptions = {
  source: string;
  mapping?: string;
  report?: string;
  timezone: string;
  dateOrder?: DateOrder;
  currency: string;
  batchSize?: number;
  parallel?: number;
};

const SHOWN_ERRORS = 10;

/** `guanxi import <kind> <file>`: streams the file in, shows progress, prints the summary; `-` reads stdin. */
export const importCommand = async (kind: string, file: string, opts: ImportCommandOptions): Promise<void> => {
  if (!isImportKind(kind))
    throw new AppError('request.invalid', `unknown kind "${kind}"; one of ${IMPORT_KINDS.join(', ')}`, {
      fields: [{ path: '<kind>', message: IMPORT_KINDS.join(' | ') }],
    });
  const mapping = opts.mapping ? parseMappingText(opts.mapping) : undefined;
  let size = 0;
  if (file !== '-') {
    try {
      size = (await stat(file)).size;
    } catch (e) {
      throw new AppError('request.not_found', `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, {
        fields: [{ path: '<file>', message: 'no such file' }],
      });
    }
  }

  let report: WriteStream | undefined;
  if (opts.report) {
    report = createWriteStream(opts.report);
    report.write(`\uFEFF${ERROR_REPORT_HEADER}`);
  }
  const shown: RowError[] = [];
  const onErrors = async (errors: RowError[]) => {
    for (const e of errors) if (shown.length < SHOWN_ERRORS) shown.push(e);
    if (report && !report.write(errorReportLines(errors))) await once(report, 'drain');
  };

  try {
    await withDatabase(async ({ database }) => {
      const progress = progressReporter(`importing ${kind}`);
      const summary = await importFile(database.db, systemClock, cliActor('guanxi import'), {
        kind,
        source: opts.source,
        fileName: file === '-' ? 'stdin' : path.basename(file),
        bytes: file === '-' ? process.stdin : createReadStream(file, { highWaterMark: 256 * 1024 }),
        mapping,
        timezone: opts.timezone,
        dateOrder: opts.dateOrder,
        currency: opts.currency,
        batchSize: opts.batchSize,
        concurrency: opts.parallel,
        onErrors,
        // Orders are read into a staging table, then written: one bar per phase.
        onProgress: (p) =>
          p.phase === 'writing' && p.staged > 0 && (kind === 'orders' || size === 0)
            ? progress.update(p.rows, p.staged, `writing: ${p.rows} rows`)
            : progress.update(size > 0 ? p.bytesRead : p.rows, size > 0 ? size : p.rows, `${p.phase === 'reading' ? 'reading' : ''} ${p.staged} rows`.trim()),
      });
      progress.stop();
      const seconds = (summary.finishedAt.getTime() - summary.startedAt.getTime()) / 1000;
      const n = (x: number) => x.toLocaleString('en-US');
      process.stdout.write(
        `${summary.id}: ${kind} from ${summary.fileName} (${summary.format}, ${summary.encoding}${summary.gzip ? ', gzip' : ''}) into source ${summary.source}\n` +
          `${n(summary.rowsTotal)} rows: ${n(summary.rowsStored)} stored, ${n(summary.rowsDuplicate)} duplicates, ${n(summary.rowsRejected)} rejected` +
          ` in ${seconds.toFixed(1)} s (${n(Math.round(summary.rowsTotal / Math.max(seconds, 0.001)))} rows/s)\n`,
      );
      if (shown.length > 0) {
        // Values can be personal data: the terminal gets line, column and reason; the report has the values.
        for (const e of shown) process.stdout.write(`  line ${e.row}${e.field ? ` ${e.field}` : ''}: ${e.reason}\n`);
        if (summary.rowsRejected > shown.length) process.stdout.write(`  … ${n(summary.rowsRejected - shown.length)} more\n`);
        process.stdout.write(opts.report ? `rejected rows: ${opts.report}\n` : 'write every rejected row to a file with --report errors.csv\n');
      }
    });
  } finally {
    if (report) {
      report.end();
      await once(report, 'close');
    }
  }
};

import type { Db } from '../../../platform/db.ts';
import type { ImportKind } from '../ingest.tables.ts';
import type { FileEncoding } from './decode-file.ts';
import { type ColumnMapping, mergeMapping } from './field-mapping.ts';
import { loadMapping } from './import.repository.ts';
import { KIND_FIELDS, REQUIRED_FIELDS } from './import-kinds.ts';
import { type FileFormat, isProblem, openRows } from './read-rows.ts';

export type FilePreview = {
  encoding: FileEncoding;
  format: FileFormat;
  columns: string[];
  /** The first rows, cell by cell, for the mapping step. */
  sample: string[][];
  /** Saved for this source and kind, completed by suggestions from the column names. */
  mapping: ColumnMapping;
  savedMapping: boolean;
  fields: readonly string[];
  /** Each entry must be mapped; a list means one of them. */
  required: (string | readonly string[])[];
  /** Bytes per row at the start of the file: the console estimates the rows of the whole file from it. */
  bytesPerRow: number;
};

const SAMPLE_ROWS = 5;

/**
 * What the console's mapping step needs from the start of a file (its first 64 KB are enough): the
 * detected encoding and format, the columns, a few rows and the mapping it would use.
 */
export const previewFile = async (
  db: Db,
  input: { kind: ImportKind; source: string; fileName: string; head: Buffer; complete: boolean },
): Promise<FilePreview> => {
  let head = input.head;
  if (!input.complete) {
    // The last line is probably cut short; UTF-16 aside, drop it.
    const nl = head.lastIndexOf(0x0a);
    const utf16 = (head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff);
    if (nl > 0 && !utf16) head = head.subarray(0, nl + 1);
  }
  const opened = await openRows(
    (async function* () {
      yield head;
    })(),
    input.fileName,
  );
  const sample: string[][] = [];
  let rows = 0;
  for await (const items of opened.rows) {
    rows += items.length;
    for (const item of items) if (!isProblem(item) && sample.length < SAMPLE_ROWS) sample.push(item.cells);
  }
  const saved = await loadMapping(db, input.source, input.kind);
  return {
    encoding: opened.encoding,
    format: opened.format,
    columns: opened.header,
    sample: sample.map((cells) => opened.header.map((_, i) => cells[i] ?? '')),
    mapping: mergeMapping({ kind: input.kind, header: opened.header, saved }),
    savedMapping: saved !== undefined,
    fields: KIND_FIELDS[input.kind],
    required: REQUIRED_FIELDS[input.kind],
    bytesPerRow: Math.max(1, Math.round(head.length / (rows + (opened.format === 'csv' ? 1 : 0)))),
  };
};

import { AppError } from '../../../platform/errors.ts';
import { readCsvRecords } from './csv-records.ts';
import { decodeFile, type FileEncoding } from './decode-file.ts';

export type FileFormat = 'csv' | 'jsonl';

/** One data row: its line in the file (the header is line 1 in CSV) and its cells, aligned with the header. */
export type Row = { line: number; cells: string[] };
/** A row that could not be read at all (broken quote, wrong number of fields, invalid JSON). */
export type RowProblem = { line: number; problem: string };

export type OpenedRows = {
  format: FileFormat;
  encoding: FileEncoding;
  gzip: boolean;
  /** Column names. JSONL appends keys first seen on later lines; rows stay aligned with it. */
  header: string[];
  rows: AsyncIterable<(Row | RowProblem)[]>;
};

export const isProblem = (r: Row | RowProblem): r is RowProblem => 'problem' in r;

const MAX_RECORD_CHARS = 1_048_576;

const invalid = (message: string) => new AppError('ingest.invalid_file', message);

/** `.csv`/`.tsv`/`.txt` or `.jsonl`/`.ndjson`/`.json` by name (a trailing `.gz` aside); else by the first character. */
export const detectFormat = (fileName: string, head: string): { format: FileFormat; delimiter?: string } => {
  const name = fileName.toLowerCase().replace(/\.gz$/, '');
  const first = head.trimStart()[0];
  if (first === '[' && (name.endsWith('.json') || name.endsWith('.jsonl') || name.endsWith('.ndjson')))
    throw invalid('the file is a JSON array; write one JSON object per line (JSONL) instead');
  if (name.endsWith('.jsonl') || name.endsWith('.ndjson') || name.endsWith('.json') || first === '{') return { format: 'jsonl' };
  if (name.endsWith('.tsv')) return { format: 'csv', delimiter: '\t' };
  return { format: 'csv' };
};

const uniqueHeader = (names: string[]): string[] => {
  const seen = new Map<string, number>();
  return names.map((raw, i) => {
    const base = raw.trim() || `column_${i + 1}`;
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return n === 1 ? base : `${base}_${n}`;
  });
};

/** Decodes (encoding detected), then reads the header and streams rows; file-level problems throw `ingest.invalid_file`. */
export const openRows = async (bytes: AsyncIterable<Buffer | Uint8Array | string>, fileName: string): Promise<OpenedRows> => {
  const decoded = await decodeFile(bytes);
  const { format, delimiter } = detectFormat(fileName, decoded.head);
  const base = { encoding: decoded.encoding, gzip: decoded.gzip, format };
  return format === 'csv' ? { ...base, ...(await openCsv(decoded.text, delimiter)) } : { ...base, ...(await openJsonl(decoded.text)) };
};

const openCsv = async (text: AsyncIterable<string>, delimiter: string | undefined) => {
  const records = readCsvRecords(text, { delimiter, maxRecordChars: MAX_RECORD_CHARS })[Symbol.asyncIterator]();
  let pending: ReturnType<typeof toRows> = [];
  let header: string[] | undefined;
  while (!header) {
    const next = await records.next();
    if (next.done) throw invalid('the file has no header row (it is blank)');
    const first = next.value[0];
    if (!first) continue;
    if ('problem' in first) throw invalid(`the header row (line ${first.line}) cannot be read: ${first.problem}`);
    header = uniqueHeader(first.fields);
    pending = toRows(next.value.slice(1), header.length);
  }
  const width = header.length;
  async function* rows(): AsyncGenerator<(Row | RowProblem)[]> {
    if (pending.length > 0) yield pending;
    for (;;) {
      const next = await records.next();
      if (next.done) return;
      yield toRows(next.value, width);
    }
  }
  return { header, rows: rows() };
};

const toRows = (items: ({ line: number; fields: string[] } | { line: number; problem: string })[], width: number): (Row | RowProblem)[] =>
  items.map((item) => {
    if ('problem' in item) return item;
    const f = item.fields;
    if (f.length === width) return { line: item.line, cells: f };
    // Trailing empty cells (a spreadsheet's extra commas) are harmless.
    if (f.length > width && f.slice(width).every((c) => c.trim() === '')) return { line: item.line, cells: f.slice(0, width) };
    return { line: item.line, problem: `expected ${width} fields (as in the header), found ${f.length}` };
  });

const jsonCell = (v: unknown): string => {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
};

/** JSON Lines: one object per line; blank lines skipped; line numbers are physical lines. */
const openJsonl = async (text: AsyncIterable<string>) => {
  const header: string[] = [];
  const position = new Map<string, number>();
  const toRow = (line: number, textLine: string): Row | RowProblem | undefined => {
    const t = textLine.trim();
    if (t === '') return undefined;
    if (t.length > MAX_RECORD_CHARS) return { line, problem: `line longer than ${MAX_RECORD_CHARS} characters` };
    let value: unknown;
    try {
      value = JSON.parse(t);
    } catch (e) {
      return { line, problem: `not valid JSON (${(e as Error).message.slice(0, 120)})` };
    }
    if (!value || typeof value !== 'object' || Array.isArray(value)) return { line, problem: 'not a JSON object' };
    const cells: string[] = new Array(header.length).fill('');
    for (const [k, v] of Object.entries(value)) {
      let i = position.get(k);
      if (i === undefined) {
        i = header.length;
        header.push(k);
        position.set(k, i);
      }
      cells[i] = jsonCell(v);
    }
    return { line, cells };
  };

  async function* batches(): AsyncGenerator<(Row | RowProblem)[]> {
    let rest = '';
    let line = 0;
    let discarding = false;
    for await (const chunk of text) {
      const out: (Row | RowProblem)[] = [];
      let s = rest + chunk;
      let from = 0;
      for (;;) {
        const nl = s.indexOf('\n', from);
        if (nl < 0) break;
        line++;
        if (discarding) discarding = false;
        else {
          const r = toRow(line, s.slice(from, nl));
          if (r) out.push(r);
        }
        from = nl + 1;
      }
      s = s.slice(from);
      if (s.length > MAX_RECORD_CHARS) {
        // A line too long to be real: report it once, drop its text until it ends.
        if (!discarding) out.push({ line: line + 1, problem: `line longer than ${MAX_RECORD_CHARS} characters` });
        discarding = true;
        s = '';
      }
      rest = s;
      if (out.length > 0) yield out;
    }
    if (rest !== '' && !discarding) {
      const r = toRow(line + 1, rest);
      if (r) yield [r];
    }
  }

  // The header is what the first object names; rows are buffered until it is known.
  const it = batches()[Symbol.asyncIterator]();
  const first: (Row | RowProblem)[] = [];
  while (header.length === 0) {
    const next = await it.next();
    if (next.done) break;
    first.push(...next.value);
    if (first.length > 10_000) throw invalid('none of the first 10,000 lines is a JSON object with fields');
  }
  if (header.length === 0 && first.length === 0) throw invalid('the file has no JSON lines (it is blank)');
  if (header.length === 0)
    throw invalid(`no line is a JSON object with fields (line ${first[0]?.line}: ${(first[0] as RowProblem).problem ?? 'empty object'})`);
  async function* rows(): AsyncGenerator<(Row | RowProblem)[]> {
    yield first;
    for (;;) {
      const next = await it.next();
      if (next.done) return;
      yield next.value;
    }
  }
  return { header, rows: rows() };
};

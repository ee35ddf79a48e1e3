/**
 * A streaming CSV reader (RFC 4180, plus what spreadsheets write: CRLF, LF or CR-only lines, a quote
 * inside an unquoted field taken literally). Unlike a general-purpose parser it recovers: a quote that
 * is never closed, or a row longer than `maxRecordChars`, is reported against the line it starts on
 * and reading resumes on the next line, so one broken row neither loses the rest of the file nor
 * buffers it in memory. Line numbers are physical lines (1 = the header).
 */

export type CsvItem = { line: number; fields: string[] } | { line: number; problem: string };

const QUOTE = 34;
const CR = 13;
const LF = 10;

type Parse = { status: 'record'; fields: string[]; end: number; breaks: number } | { status: 'incomplete' } | { status: 'unclosed' };

const INCOMPLETE: Parse = { status: 'incomplete' };

const countBreaks = (s: string): number => {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === LF) n++;
    else if (c === CR && s.charCodeAt(i + 1) !== LF) n++;
  }
  return n;
};

/** Scans to the next delimiter or line break. */
const scanPlain = (s: string, from: number, delimiter: number): number => {
  let k = from;
  const n = s.length;
  while (k < n) {
    const c = s.charCodeAt(k);
    if (c === delimiter || c === CR || c === LF) break;
    k++;
  }
  return k;
};

/** One record starting at `start`; `eof` says whether more text may follow `s`. */
const parseRecord = (s: string, start: number, delimiter: number, eof: boolean): Parse => {
  const fields: string[] = [];
  const n = s.length;
  let i = start;
  let breaks = 0;
  for (;;) {
    if (i < n && s.charCodeAt(i) === QUOTE) {
      let value = '';
      let j = i + 1;
      for (;;) {
        const q = s.indexOf('"', j);
        if (q === -1) return eof ? { status: 'unclosed' } : INCOMPLETE;
        value += s.slice(j, q);
        if (q + 1 < n && s.charCodeAt(q + 1) === QUOTE) {
          value += '"';
          j = q + 2;
          continue;
        }
        if (q + 1 >= n && !eof) return INCOMPLETE;
        i = q + 1;
        break;
      }
      // Text after the closing quote (`"a"b`) is kept, as spreadsheets do.
      const k = scanPlain(s, i, delimiter);
      if (k >= n && !eof) return INCOMPLETE;
      if (k > i) value += s.slice(i, k);
      if (value.includes('\n') || value.includes('\r')) breaks += countBreaks(value);
      fields.push(value);
      i = k;
    } else {
      const k = scanPlain(s, i, delimiter);
      if (k >= n && !eof) return INCOMPLETE;
      fields.push(s.slice(i, k));
      i = k;
    }
    if (i >= n) return { status: 'record', fields, end: n, breaks };
    const c = s.charCodeAt(i);
    if (c === delimiter) {
      i++;
      continue;
    }
    if (c === CR) {
      if (i + 1 < n) i += s.charCodeAt(i + 1) === LF ? 2 : 1;
      else if (eof) i += 1;
      else return INCOMPLETE;
    } else {
      i += 1;
    }
    return { status: 'record', fields, end: i, breaks };
  }
};

/** Index just past the first line break at or after `from`, or -1. */
const nextLineStart = (s: string, from: number): number => {
  for (let i = from; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === LF) return i + 1;
    if (c === CR) return s.charCodeAt(i + 1) === LF ? i + 2 : i + 1;
  }
  return -1;
};

/** The most frequent of `, ; tab |` outside quotes in the first line (comma when none). */
export const detectDelimiter = (firstLine: string): string => {
  const counts = new Map<string, number>([
    [',', 0],
    [';', 0],
    ['\t', 0],
    ['|', 0],
  ]);
  let quoted = false;
  for (const ch of firstLine) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && counts.has(ch)) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  }
  let best = ',';
  let bestCount = 0;
  for (const [d, n] of counts) {
    if (n > bestCount) {
      best = d;
      bestCount = n;
    }
  }
  return best;
};

/**
 * Records (or problems) of a CSV text stream, a chunk's worth at a time. Blank lines and rows whose
 * cells are all empty (spreadsheets' trailing rows) are skipped.
 */
export async function* readCsvRecords(text: AsyncIterable<string>, options: { delimiter?: string; maxRecordChars?: number } = {}): AsyncGenerator<CsvItem[]> {
  const max = options.maxRecordChars ?? 1_048_576;
  let delimiter = options.delimiter ? options.delimiter.charCodeAt(0) : -1;
  let buf = '';
  let line = 1;
  let discarding = false; // inside a line longer than `max`, dropping text until it ends

  const drain = (eof: boolean): CsvItem[] => {
    const items: CsvItem[] = [];
    if (delimiter < 0) {
      const end = nextLineStart(buf, 0);
      if (end < 0 && !eof && buf.length < max) return items;
      delimiter = detectDelimiter(buf.slice(0, end < 0 ? Math.min(buf.length, max) : end)).charCodeAt(0);
    }
    let pos = 0;
    while (pos < buf.length) {
      const r = parseRecord(buf, pos, delimiter, eof);
      if (r.status === 'record') {
        const blank = r.fields.every((f) => f === '' || f.trim() === '');
        if (!blank) items.push({ line, fields: r.fields });
        line += r.breaks + 1;
        pos = r.end;
        continue;
      }
      if (r.status === 'incomplete' && buf.length - pos <= max) break;
      // Unclosed quote (at the end of the text) or a row too long to be real: report it, resume on the next line.
      items.push({
        line,
        problem:
          r.status === 'unclosed' ? 'a quote opened in this row is never closed' : `row longer than ${max} characters, or a quote opened in it is never closed`,
      });
      const next = nextLineStart(buf, pos);
      line += 1;
      if (next < 0) {
        discarding = !eof;
        pos = buf.length;
        break;
      }
      pos = next;
    }
    buf = buf.slice(pos);
    return items;
  };

  for await (const chunk of text) {
    if (chunk.length === 0) continue;
    if (discarding) {
      const next = nextLineStart(chunk, 0);
      if (next < 0) continue;
      // A CR at a chunk's end may pair with an LF at the next chunk's start; the stray LF then reads as a blank line.
      discarding = false;
      buf = chunk.slice(next);
    } else {
      buf += chunk;
    }
    const items = drain(false);
    if (items.length > 0) yield items;
  }
  const items = drain(true);
  if (items.length > 0) yield items;
}

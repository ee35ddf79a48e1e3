import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import iconv from 'iconv-lite';
import { AppError } from '../../../platform/errors.ts';

export type FileEncoding = 'utf-8' | 'utf-8-bom' | 'gb18030' | 'utf-16le' | 'utf-16be';

export type DecodedFile = {
  encoding: FileEncoding;
  gzip: boolean;
  /** The first characters of the text (for format detection); `text` still yields them. */
  head: string;
  text: AsyncIterable<string>;
};

/** How much of the file decides the encoding. */
export const SNIFF_BYTES = 65_536;

const toBuffer = (v: Buffer | Uint8Array | string): Buffer =>
  Buffer.isBuffer(v) ? v : typeof v === 'string' ? Buffer.from(v) : Buffer.from(v.buffer, v.byteOffset, v.byteLength);

const invalid = (message: string) => new AppError('ingest.invalid_file', message);

const startsWith = (b: Buffer, bytes: number[]) => bytes.every((x, i) => b[i] === x);

const NOT_TEXT: { magic: number[]; what: string }[] = [
  { magic: [0x50, 0x4b, 0x03, 0x04], what: 'a zip archive or an Excel workbook (.xlsx); save the sheet as CSV (UTF-8) and import that' },
  { magic: [0xd0, 0xcf, 0x11, 0xe0], what: 'an old Excel workbook (.xls); save the sheet as CSV (UTF-8) and import that' },
  { magic: [0x25, 0x50, 0x44, 0x46], what: 'a PDF document, not a CSV or JSONL file' },
  { magic: [0x89, 0x50, 0x4e, 0x47], what: 'an image, not a CSV or JSONL file' },
  { magic: [0xff, 0xd8, 0xff], what: 'an image, not a CSV or JSONL file' },
];

const isValidUtf8 = (bytes: Buffer, complete: boolean): boolean => {
  try {
    // `stream` tolerates a character cut at the end of the sample.
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: !complete });
    return true;
  } catch {
    return false;
  }
};

/**
 * Detects the encoding from the bytes (never asks): a BOM wins; otherwise the first 64 KB either are
 * valid UTF-8 or the file is taken as GB18030 (a superset of GBK and GB2312, what Excel in China
 * writes). Gzip is unpacked first. Binary files (NUL bytes, control characters, known magic numbers)
 * and empty files are refused.
 */
export const decodeFile = async (bytes: AsyncIterable<Buffer | Uint8Array | string>): Promise<DecodedFile> => {
  const it = bytes[Symbol.asyncIterator]();
  const chunks: Buffer[] = [];
  let size = 0;
  let done = false;
  while (size < SNIFF_BYTES) {
    const next = await it.next();
    if (next.done) {
      done = true;
      break;
    }
    const b = toBuffer(next.value);
    chunks.push(b);
    size += b.length;
  }
  const first = Buffer.concat(chunks);
  if (first.length === 0) throw invalid('the file is empty');

  async function* raw(): AsyncGenerator<Buffer> {
    yield first;
    if (done) return;
    for (;;) {
      const next = await it.next();
      if (next.done) return;
      yield toBuffer(next.value);
    }
  }

  if (startsWith(first, [0x1f, 0x8b])) {
    const gunzip = Readable.from(raw()).pipe(createGunzip());
    const inner = await decodeFile(gunzipped(gunzip));
    return { ...inner, gzip: true };
  }
  for (const { magic, what } of NOT_TEXT) if (startsWith(first, magic)) throw invalid(`the file is ${what}`);

  let encoding: FileEncoding;
  let skip = 0;
  if (startsWith(first, [0xef, 0xbb, 0xbf])) {
    encoding = 'utf-8-bom';
    skip = 3;
  } else if (startsWith(first, [0xff, 0xfe])) {
    encoding = 'utf-16le';
    skip = 2;
  } else if (startsWith(first, [0xfe, 0xff])) {
    encoding = 'utf-16be';
    skip = 2;
  } else {
    if (first.includes(0)) throw invalid('the file is binary (it contains NUL bytes), not a CSV or JSONL text file');
    encoding = isValidUtf8(first, done) ? 'utf-8' : 'gb18030';
  }

  const decoder = iconv.getDecoder(encoding === 'utf-8-bom' ? 'utf-8' : encoding, { stripBOM: false });
  const head = decoder.write(first.subarray(skip));
  if (encoding.startsWith('utf-8') || encoding === 'gb18030') assertText(head);

  async function* text(): AsyncGenerator<string> {
    yield head;
    const rest = raw();
    await rest.next(); // `first`, already decoded
    for await (const b of rest) {
      const s = decoder.write(b);
      if (s) yield s;
    }
    const tail = decoder.end();
    if (tail) yield tail;
  }
  return { encoding, gzip: false, head, text: text() };
};

async function* gunzipped(stream: NodeJS.ReadableStream): AsyncGenerator<Buffer> {
  try {
    for await (const b of stream) yield b as Buffer;
  } catch (e) {
    throw invalid(`the gzip data is damaged: ${(e as Error).message}`);
  }
}

/** Text has few control characters besides tab and line breaks; random bytes decoded as GB18030 have many. */
const assertText = (s: string) => {
  let controls = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c < 32 && c !== 9 && c !== 10 && c !== 13) || c === 127) controls++;
  }
  if (controls > Math.max(2, s.length / 100)) throw invalid('the file is binary (it has many control characters), not a CSV or JSONL text file');
};

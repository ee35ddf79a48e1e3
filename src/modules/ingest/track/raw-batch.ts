/** Where a Segment batch body's `batch` array sits in its JSON bytes, and the length in bytes of each event's text. */
export type RawBatch = { start: number; end: number; lengths: number[] };

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

// The body's UTF-8 bytes: JSON's structural characters are ASCII, and no byte of a multi-byte UTF-8
// sequence is ASCII, so the scan needs no decoding.

const skipSpace = (text: Buffer, from: number): number => {
  let i = from;
  while (i < text.length && isSpace(text[i] as number)) i++;
  return i;
};

/** The index after the string starting at `from` (its opening quote). */
const skipString = (text: Buffer, from: number): number => {
  let i = from + 1;
  for (;;) {
    const q = text.indexOf(QUOTE, i);
    if (q < 0) return -1;
    let backslashes = 0;
    while (text[q - 1 - backslashes] === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return q + 1;
    i = q + 1;
  }
};

/** The index after the JSON value starting at `from`. */
const skipValue = (text: Buffer, from: number): number => {
  const first = text[from];
  if (first === QUOTE) return skipString(text, from);
  if (first !== OPEN_BRACE && first !== OPEN_BRACKET) {
    let i = from;
    for (; i < text.length; i++) {
      const c = text[i] as number;
      if (c === COMMA || c === CLOSE_BRACE || c === CLOSE_BRACKET || isSpace(c)) break;
    }
    return i;
  }
  let depth = 0;
  let i = from;
  while (i < text.length) {
    const c = text[i];
    if (c === QUOTE) {
      i = skipString(text, i);
      if (i < 0) return -1;
      continue;
    }
    if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++;
    else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
      if (depth === 0) return i + 1;
    }
    i++;
  }
  return -1;
};

const BATCH_KEY = Buffer.from('"batch"');
const isBatchKey = (text: Buffer, from: number, end: number): boolean =>
  end - from === BATCH_KEY.length && text.compare(BATCH_KEY, 0, BATCH_KEY.length, from, end) === 0;

/**
 * Finds the `batch` array of a Segment batch body in its JSON text (UTF-8 bytes, which JSON.parse
 * accepted) without building anything: its span, and the length of each event's text, so that the events
 * can be stored as sent (PostgreSQL splits the array) and their sizes checked without serialising them
 * again. Returns undefined when the text is not a plain `{…, "batch": […], …}` (e.g. an escaped key), and
 * the caller then takes the slow path.
 */
export const scanRawBatch = (text: Buffer): RawBatch | undefined => {
  let i = skipSpace(text, 0);
  if (text[i] !== OPEN_BRACE) return undefined;
  i = skipSpace(text, i + 1);
  let found: RawBatch | undefined;
  if (text[i] === CLOSE_BRACE) return undefined;
  for (;;) {
    if (text[i] !== QUOTE) return undefined;
    const keyEnd = skipString(text, i);
    if (keyEnd < 0) return undefined;
    // An escaped key could spell "batch"; JSON.parse reads the last of duplicate keys, and so does this.
    const keyStart = i;
    for (let k = keyStart + 1; k < keyEnd - 1; k++) if (text[k] === BACKSLASH) return undefined;
    i = skipSpace(text, keyEnd);
    if (text[i] !== COLON) return undefined;
    i = skipSpace(text, i + 1);
    if (isBatchKey(text, keyStart, keyEnd)) {
      found = text[i] === OPEN_BRACKET ? scanArray(text, i) : undefined;
      if (!found) return undefined;
      i = found.end;
    } else {
      i = skipValue(text, i);
      if (i < 0) return undefined;
    }
    i = skipSpace(text, i);
    const c = text[i];
    if (c === CLOSE_BRACE) return found;
    if (c !== COMMA) return undefined;
    i = skipSpace(text, i + 1);
  }
};

const scanArray = (text: Buffer, from: number): RawBatch | undefined => {
  const lengths: number[] = [];
  let i = skipSpace(text, from + 1);
  if (text[i] === CLOSE_BRACKET) return { start: from, end: i + 1, lengths };
  for (;;) {
    const end = skipValue(text, i);
    if (end < 0) return undefined;
    lengths.push(end - i);
    i = skipSpace(text, end);
    const c = text[i];
    if (c === CLOSE_BRACKET) return { start: from, end: i + 1, lengths };
    if (c !== COMMA) return undefined;
    i = skipSpace(text, i + 1);
  }
};

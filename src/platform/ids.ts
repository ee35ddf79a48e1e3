import { randomBytes } from 'node:crypto';

/**
 * Prefixed, time-ordered ids: `cus_` + 12 hex digits of Unix milliseconds + 16 hex digits of entropy.
 * Lexicographic order is creation order; SQL can mint the same shape (see gx_id() in the migrations),
 * which set-based bulk generation relies on. See docs/adr/0004-id-format.md.
 */
export const ID_PREFIXES = [
  'cus',
  'ord',
  'usr',
  'ses',
  'key',
  'aud',
  'obx',
  'evt',
  'ref',
  'mrg',
  'tkt',
  'msg',
  'imp',
  'lmv',
  'lot',
  'ltc',
  'lal',
  'lgr',
  'lbn',
  'lrd',
  'lcc',
  'tag',
  'rcm',
  'rsw',
  'mrn',
  'rfm',
] as const;
export type IdPrefix = (typeof ID_PREFIXES)[number];

let lastMs = 0;
let lastEntropy = 0n;
const ENTROPY_MAX = (1n << 64n) - 1n;

export const newId = (prefix: IdPrefix, at: Date = new Date()): string => {
  const ms = at.getTime();
  let entropy: bigint;
  if (ms === lastMs && lastEntropy < ENTROPY_MAX) {
    entropy = lastEntropy + 1n; // monotonic within one millisecond
  } else {
    entropy = randomBytes(8).readBigUInt64BE() >> 1n; // headroom for increments
  }
  lastMs = ms;
  lastEntropy = entropy;
  return `${prefix}_${ms.toString(16).padStart(12, '0')}${entropy.toString(16).padStart(16, '0')}`;
};

const ID_PATTERN = /^([a-z]{3})_[0-9a-f]{28}$/;

export const isId = (value: string, prefix: IdPrefix): boolean => {
  const m = ID_PATTERN.exec(value);
  return m !== null && m[1] === prefix;
};

export const idTime = (id: string): Date => new Date(Number.parseInt(id.slice(4, 16), 16));

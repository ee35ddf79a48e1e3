import { createHash } from 'node:crypto';
import type { z } from 'zod';
import type { EventType } from '../ingest.tables.ts';

/** One event as the SDK sent it, normalised from Segment's or PostHog's shape; what ingestMessages stores. */
export type TrackedMessage = {
  /** Where it sat in the request, for errors and rejections: `body.batch[3]`, or `body` for a single event. */
  path: string;
  messageId: string;
  type: EventType;
  /** track: the event name; page/screen: the page name; group: the group id. */
  name: string | null;
  userId: string | null;
  anonymousId: string | null;
  /** Other ids the message declares to be the same person: alias's previousId, PostHog's $anon_distinct_id. */
  linkedIds: { id: string; path: string }[];
  properties: Record<string, unknown>;
  traits: Record<string, unknown>;
  context: Record<string, unknown>;
  /** Traits describing the person (identifiers and golden-record values), each group with the path it came from. */
  personTraits: { path: string; traits: Record<string, unknown> }[];
  occurredAt: Date;
  /**
   * Set when properties, traits and context are exactly those of the event as sent, which is then
   * element `rawIndex` of its batch's `rawBatch` text: it is stored as sent instead of serialised again.
   */
  rawIndex?: number;
};

export type FieldIssue = { path: string; message: string; type?: string | null; name?: string | null };

/**
 * A batch split into the events that can be stored and the problems of the others; `rawBatch` is the
 * JSON text (UTF-8) of the request's event array when some messages are stored as sent (`rawIndex`).
 */
export type ParsedBatch = { messages: TrackedMessage[]; issues: FieldIssue[]; oversize: FieldIssue[]; rawBatch?: Buffer };

export const MAX_BODY_BYTES = 500 * 1024;
export const MAX_EVENT_BYTES = 32 * 1024;
export const MAX_ID_LENGTH = 200;

export type JsonObject = Record<string, unknown>;
export const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
export const objectOrEmpty = (v: unknown): JsonObject => (isObject(v) ? v : {});

/** `body.batch[1].context.traits`: zod paths joined the way the SDK's author reads their own payload. */
export const joinPath = (base: string, path: readonly PropertyKey[]): string =>
  path.reduce<string>((acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : `${acc}.${String(p)}`), base);

export const zodIssues = (base: string, error: z.ZodError, event: { type?: string | null; name?: string | null } = {}): FieldIssue[] =>
  error.issues.map((i) => ({ path: joinPath(base, i.path), message: i.message, ...event }));

/** Ids may arrive as numbers (older SDKs); they are stored as text. Empty strings count as absent. */
export const idText = (v: unknown): string | null => {
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v !== 'string') return null;
  const t = v.trim();
  return t === '' ? null : t;
};

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)?\s*(?:Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/** An ISO-8601 instant between 1970 and 9999, or `invalid`; undefined when absent. */
export const parseInstant = (v: unknown): Date | 'invalid' | undefined => {
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string' || !ISO_DATE.test(v.trim())) return 'invalid';
  const d = new Date(v.trim());
  const t = d.getTime();
  if (Number.isNaN(t) || t < 0 || d.getUTCFullYear() > 9999) return 'invalid';
  return d;
};

/**
 * When the event happened, as Segment computes it: `timestamp` if sent; otherwise the device's
 * `originalTimestamp` corrected for its clock skew (receivedAt − (sentAt − originalTimestamp)); otherwise
 * `originalTimestamp` as is; otherwise the time the server received it.
 */
export const occurredAt = (
  fields: { timestamp?: unknown; originalTimestamp?: unknown; sentAt?: unknown },
  batchSentAt: Date | undefined,
  receivedAt: Date,
  base: string,
): { at: Date; issues: FieldIssue[] } => {
  const issues: FieldIssue[] = [];
  const read = (name: string, v: unknown) => {
    const d = parseInstant(v);
    if (d === 'invalid') {
      issues.push({ path: `${base}.${name}`, message: 'not an ISO-8601 date-time' });
      return undefined;
    }
    return d;
  };
  const timestamp = read('timestamp', fields.timestamp);
  const original = read('originalTimestamp', fields.originalTimestamp);
  const sentAt = read('sentAt', fields.sentAt) ?? batchSentAt;
  if (timestamp) return { at: timestamp, issues };
  if (original && sentAt) return { at: new Date(receivedAt.getTime() - (sentAt.getTime() - original.getTime())), issues };
  return { at: original ?? receivedAt, issues };
};

/** JSON with object keys sorted, so the same event always hashes the same. */
export const canonicalJson = (v: unknown): string => {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (isObject(v)) {
    const keys = Object.keys(v)
      .filter((k) => v[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(v[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
};

// Fields that change when the same event is sent again (retry time, the key itself).
const VOLATILE = new Set(['sentAt', 'sent_at', 'writeKey', 'api_key']);

/**
 * The message id of an event sent without one: `sha256:` + the hash of its canonical JSON without the
 * fields that differ between retries. Re-sending the same body is then stored once; two events identical
 * in every field (same user, name, properties and timestamp) are taken to be one.
 */
export const fallbackMessageId = (event: JsonObject): string => {
  const stable: JsonObject = {};
  for (const [k, v] of Object.entries(event)) if (!VOLATILE.has(k)) stable[k] = v;
  return `sha256:${createHash('sha256').update(canonicalJson(stable)).digest('hex')}`;
};

// Serialised again, an event's JSON takes at most 6 UTF-8 bytes per byte (or character) of the text it was
// parsed from: 3 for a character inside a string, as many bytes as it had for one sent as UTF-8, and a
// number at most 5.25 times its length ("1e20").
const SURELY_SMALL_TEXT = Math.floor(MAX_EVENT_BYTES / 6);

/**
 * The UTF-8 size of an event as JSON; only measured when the body could hold an event over the limit, and
 * not for events whose text (`textLengths`, in UTF-8 bytes, when known) is too short to be over it.
 */
export const oversizeEvents = (items: unknown[], bodyBytes: number, path: (i: number) => string, textLengths?: number[]): FieldIssue[] => {
  if (bodyBytes <= MAX_EVENT_BYTES) return [];
  const out: FieldIssue[] = [];
  items.forEach((item, i) => {
    if ((textLengths?.[i] ?? Number.POSITIVE_INFINITY) <= SURELY_SMALL_TEXT) return;
    const bytes = Buffer.byteLength(JSON.stringify(item) ?? '');
    if (bytes > MAX_EVENT_BYTES) out.push({ path: path(i), message: `event is ${bytes} bytes; the limit is ${MAX_EVENT_BYTES} (32 KB)` });
  });
  return out;
};

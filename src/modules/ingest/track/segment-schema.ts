import { z } from 'zod';
import type { EventType } from '../ingest.tables.ts';
import { scanRawBatch } from './raw-batch.ts';
import {
  type FieldIssue,
  fallbackMessageId,
  idText,
  isObject,
  type JsonObject,
  MAX_ID_LENGTH,
  objectOrEmpty,
  occurredAt,
  oversizeEvents,
  type ParsedBatch,
  parseInstant,
  type TrackedMessage,
  zodIssues,
} from './tracked-message.ts';

export const EVENT_TYPES = ['track', 'identify', 'page', 'screen', 'group', 'alias'] as const satisfies readonly EventType[];
const isEventType = (v: unknown): v is EventType => typeof v === 'string' && (EVENT_TYPES as readonly string[]).includes(v);

// Checked with predicates rather than z.record: a 30 KB properties object is not walked key by key.
const JsonObjectSchema = z.custom<JsonObject>(isObject, 'expected an object');
const IdSchema = z.custom<string | number>(
  (v) => (typeof v === 'string' && v.length <= MAX_ID_LENGTH) || (typeof v === 'number' && Number.isFinite(v)),
  `expected a string (at most ${MAX_ID_LENGTH} characters) or a number`,
);
const NameSchema = z.string().max(MAX_ID_LENGTH).nullish();

const common = {
  messageId: IdSchema.nullish(),
  userId: IdSchema.nullish(),
  anonymousId: IdSchema.nullish(),
  context: JsonObjectSchema.nullish(),
  properties: JsonObjectSchema.nullish(),
  traits: JsonObjectSchema.nullish(),
};

/** Segment's event spec, per type (https://segment.com/docs/connections/spec/). Unknown fields are ignored. */
export const SegmentEventSchemas = {
  track: z.looseObject({ ...common, event: z.string().trim().min(1, 'required').max(MAX_ID_LENGTH) }),
  identify: z.looseObject(common),
  page: z.looseObject({ ...common, name: NameSchema, category: NameSchema }),
  screen: z.looseObject({ ...common, name: NameSchema, category: NameSchema }),
  group: z.looseObject({ ...common, groupId: IdSchema }),
  alias: z.looseObject({ ...common, previousId: IdSchema, userId: IdSchema }),
} satisfies Record<EventType, z.ZodType>;

const isNullish = (v: unknown): boolean => v === undefined || v === null;
const isId = (v: unknown): boolean => (typeof v === 'string' && v.length <= MAX_ID_LENGTH) || (typeof v === 'number' && Number.isFinite(v));
const isNullishId = (v: unknown): boolean => isNullish(v) || isId(v);
const isNullishName = (v: unknown): boolean => isNullish(v) || (typeof v === 'string' && v.length <= MAX_ID_LENGTH);
const isNullishObject = (v: unknown): boolean => isNullish(v) || isObject(v);

/**
 * True when the event passes `SegmentEventSchemas[type]`, checked by hand: most events are valid, and the
 * schemas' work is then only needed to name the problems of the others (same rules; a test holds them equal).
 */
export const passesSegmentSchema = (type: EventType, raw: JsonObject): boolean => {
  if (!isNullishId(raw.messageId) || !isNullishId(raw.anonymousId)) return false;
  if (!isNullishObject(raw.context) || !isNullishObject(raw.properties) || !isNullishObject(raw.traits)) return false;
  switch (type) {
    case 'track': {
      if (typeof raw.event !== 'string') return false;
      const length = raw.event.trim().length;
      return length >= 1 && length <= MAX_ID_LENGTH && isNullishId(raw.userId);
    }
    case 'identify':
      return isNullishId(raw.userId);
    case 'page':
    case 'screen':
      return isNullishName(raw.name) && isNullishName(raw.category) && isNullishId(raw.userId);
    case 'group':
      return isId(raw.groupId) && isNullishId(raw.userId);
    case 'alias':
      return isId(raw.previousId) && isId(raw.userId);
  }
};

/** For the API documentation only; requests are checked event by event so that errors name each event. */
export const SegmentBatchDocSchema = z.object({
  batch: z.array(z.looseObject({ type: z.enum(EVENT_TYPES), messageId: z.string().optional(), userId: z.string().optional() })),
  writeKey: z.string().optional().describe('when no Authorization header is sent'),
  sentAt: z.string().optional(),
  context: z.record(z.string(), z.unknown()).optional(),
});

type BatchEnv = { receivedAt: Date; batchSentAt: Date | undefined; batchContext: JsonObject | undefined };

const eventName = (type: EventType, raw: JsonObject): string | null => {
  const v = type === 'track' ? raw.event : type === 'group' ? raw.groupId : type === 'page' || type === 'screen' ? raw.name : undefined;
  return typeof v === 'string' ? v.slice(0, MAX_ID_LENGTH) : typeof v === 'number' ? String(v) : null;
};

/** One Segment event → a TrackedMessage, or the problems of each of its fields. */
export const parseSegmentEvent = (
  raw: unknown,
  base: string,
  env: BatchEnv,
  forcedType?: EventType,
): { message: TrackedMessage; asSent: boolean; issues?: undefined } | { message?: undefined; issues: FieldIssue[] } => {
  if (!isObject(raw)) return { issues: [{ path: base, message: 'expected an event object' }] };
  const type = forcedType ?? raw.type;
  if (!isEventType(type)) {
    return {
      issues: [{ path: `${base}.type`, message: `expected one of ${EVENT_TYPES.join(', ')}`, type: typeof type === 'string' ? type.slice(0, 50) : null }],
    };
  }
  const name = eventName(type, raw);
  const parsed = passesSegmentSchema(type, raw) ? undefined : SegmentEventSchemas[type].safeParse(raw);
  const issues = parsed === undefined || parsed.success ? [] : zodIssues(base, parsed.error, { type, name });
  const userId = idText(raw.userId);
  const anonymousId = idText(raw.anonymousId);
  if (!userId && !anonymousId && !issues.some((i) => i.path === `${base}.userId`)) {
    issues.push({ path: `${base}.userId`, message: 'userId or anonymousId is required', type, name });
  }
  const time = occurredAt(raw, env.batchSentAt, env.receivedAt, base);
  issues.push(...time.issues.map((i) => ({ ...i, type, name })));
  if (issues.length > 0) return { issues };

  const ownContext = objectOrEmpty(raw.context);
  const context = env.batchContext ? { ...env.batchContext, ...ownContext } : ownContext;
  const traits = objectOrEmpty(raw.traits);
  const personTraits: TrackedMessage['personTraits'] = [];
  if (isObject(context.traits)) personTraits.push({ path: `${base}.context.traits`, traits: context.traits });
  if (type === 'identify') personTraits.push({ path: `${base}.traits`, traits });
  const previousId = type === 'alias' ? idText(raw.previousId) : null;
  const properties = objectOrEmpty(raw.properties);
  return {
    asSent: !env.batchContext && !previousId,
    message: {
      path: base,
      messageId: idText(raw.messageId) ?? fallbackMessageId(raw),
      type,
      name,
      userId,
      anonymousId,
      linkedIds: previousId ? [{ id: previousId, path: `${base}.previousId` }] : [],
      properties: previousId ? { ...properties, previousId } : properties,
      traits,
      context,
      personTraits,
      occurredAt: time.at,
    },
  };
};

const envelope = (body: JsonObject, receivedAt: Date): { env: BatchEnv; issues: FieldIssue[] } => {
  const sentAt = parseInstant(body.sentAt);
  const issues: FieldIssue[] = sentAt === 'invalid' ? [{ path: 'body.sentAt', message: 'not an ISO-8601 date-time' }] : [];
  if (body.context !== undefined && body.context !== null && !isObject(body.context)) issues.push({ path: 'body.context', message: 'expected an object' });
  return {
    env: { receivedAt, batchSentAt: sentAt instanceof Date ? sentAt : undefined, batchContext: isObject(body.context) ? body.context : undefined },
    issues,
  };
};

/** `rawBatch`: the JSON text of `items` as sent (UTF-8), when known. */
const collect = (items: unknown[], path: (i: number) => string, env: BatchEnv, forcedType?: EventType, rawBatch?: Buffer): ParsedBatch => {
  const messages: TrackedMessage[] = [];
  const issues: FieldIssue[] = [];
  let asSent = false;
  items.forEach((item, i) => {
    const r = parseSegmentEvent(item, path(i), env, forcedType);
    if (r.message) {
      if (rawBatch !== undefined && r.asSent) {
        r.message.rawIndex = i;
        asSent = true;
      }
      messages.push(r.message);
    } else issues.push(...r.issues);
  });
  return asSent && issues.length === 0 ? { messages, issues, oversize: [], rawBatch } : { messages, issues, oversize: [] };
};

/**
 * `POST /v1/batch` (and `/v1/import`): `{batch: [...], sentAt?, context?, writeKey?}`. `text` is the body's
 * JSON text (UTF-8) when it parsed to exactly `body`: events are then stored as sent, not serialised again.
 */
export const parseSegmentBatch = (body: unknown, bodyBytes: number, receivedAt: Date, text?: Buffer): ParsedBatch => {
  if (!isObject(body)) return { messages: [], issues: [{ path: 'body', message: 'expected a JSON object with a batch array' }], oversize: [] };
  if (!Array.isArray(body.batch)) return { messages: [], issues: [{ path: 'body.batch', message: 'expected an array of events' }], oversize: [] };
  const items = body.batch as unknown[];
  const path = (i: number) => `body.batch[${i}]`;
  const scanned = text === undefined ? undefined : scanRawBatch(text);
  const raw = scanned && scanned.lengths.length === items.length ? scanned : undefined;
  const oversize = oversizeEvents(items, bodyBytes, path, raw?.lengths);
  if (oversize.length > 0) return { messages: [], issues: [], oversize };
  const { env, issues } = envelope(body, receivedAt);
  if (issues.length > 0) return { messages: [], issues, oversize: [] };
  return collect(items, path, env, undefined, raw && text?.subarray(raw.start, raw.end));
};

/** `POST /v1/track` etc.: the body is one event; the path decides its type. */
export const parseSegmentSingle = (type: EventType, body: unknown, bodyBytes: number, receivedAt: Date): ParsedBatch => {
  if (!isObject(body)) return { messages: [], issues: [{ path: 'body', message: 'expected a JSON object' }], oversize: [] };
  const oversize = oversizeEvents([body], bodyBytes, () => 'body');
  if (oversize.length > 0) return { messages: [], issues: [], oversize };
  const { writeKey: _key, ...event } = body;
  return collect([event], () => 'body', { receivedAt, batchSentAt: undefined, batchContext: undefined }, type);
};

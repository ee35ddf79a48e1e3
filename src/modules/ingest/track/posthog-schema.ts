import { z } from 'zod';
import type { EventType } from '../ingest.tables.ts';
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
  type TrackedMessage,
  zodIssues,
} from './tracked-message.ts';

const JsonObjectSchema = z.custom<JsonObject>(isObject, 'expected an object');
const IdSchema = z.custom<string | number>(
  (v) => (typeof v === 'string' && v.trim().length > 0 && v.length <= MAX_ID_LENGTH) || (typeof v === 'number' && Number.isFinite(v)),
  `expected a non-empty string (at most ${MAX_ID_LENGTH} characters) or a number`,
);

/** PostHog's capture event (what posthog-node and posthog-js send to /batch/, /capture/ and /e/). */
export const PosthogEventSchema = z.looseObject({
  event: z.string().trim().min(1, 'required').max(MAX_ID_LENGTH),
  distinct_id: IdSchema,
  uuid: z.string().min(1).max(MAX_ID_LENGTH).nullish(),
  properties: JsonObjectSchema.nullish(),
  $set: JsonObjectSchema.nullish(),
  $set_once: JsonObjectSchema.nullish(),
});

/** For the API documentation only. */
export const PosthogBatchDocSchema = z.object({
  api_key: z.string().describe('the write key'),
  batch: z.array(
    z.looseObject({ event: z.string(), distinct_id: z.string(), uuid: z.string().optional(), properties: z.record(z.string(), z.unknown()).optional() }),
  ),
  sent_at: z.string().optional(),
});

const text = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v.slice(0, MAX_ID_LENGTH) : null);

/**
 * One PostHog event → a TrackedMessage. PostHog has one id namespace, `distinct_id`; it maps as:
 * - `$identify`: distinct_id is the user's id (`userId`, identifier `user_id`); it is also linked as an
 *   `anonymous_id`, as is `$anon_distinct_id`, so events captured under either id before or after join him.
 * - every other event: distinct_id is an `anonymous_id` (PostHog cannot tell a logged-in id from a device
 *   id there); `$create_alias` links distinct_id and `alias` the same way.
 * `$set`/`$set_once` are the person's traits (identifiers such as email, and golden-record values).
 */
export const parsePosthogEvent = (
  raw: unknown,
  base: string,
  receivedAt: Date,
): { message: TrackedMessage; issues?: undefined } | { message?: undefined; issues: FieldIssue[] } => {
  if (!isObject(raw)) return { issues: [{ path: base, message: 'expected an event object' }] };
  const name = text(raw.event);
  const parsed = PosthogEventSchema.safeParse(raw);
  const issues = parsed.success ? [] : zodIssues(base, parsed.error, { type: 'track', name });
  const offset = typeof raw.offset === 'number' && Number.isFinite(raw.offset) && raw.offset >= 0 ? raw.offset : undefined;
  const time = occurredAt({ timestamp: raw.timestamp }, undefined, offset === undefined ? receivedAt : new Date(receivedAt.getTime() - offset), base);
  issues.push(...time.issues);
  const distinctId = idText(raw.distinct_id);
  if (issues.length > 0 || !distinctId || !name) return { issues };

  const properties = objectOrEmpty(raw.properties);
  const set = { ...objectOrEmpty(properties.$set_once ?? raw.$set_once), ...objectOrEmpty(properties.$set ?? raw.$set) };
  const setPath = `${base}.properties.$set`;
  let type: EventType = 'track';
  let eventName: string | null = name;
  let userId: string | null = null;
  let anonymousId: string | null = distinctId;
  const linkedIds: TrackedMessage['linkedIds'] = [];
  let traits: JsonObject = {};
  switch (name) {
    case '$identify': {
      type = 'identify';
      eventName = null;
      userId = distinctId;
      anonymousId = null;
      linkedIds.push({ id: distinctId, path: `${base}.distinct_id` });
      const anon = idText(properties.$anon_distinct_id);
      if (anon && anon !== distinctId) linkedIds.push({ id: anon, path: `${base}.properties.$anon_distinct_id` });
      traits = set;
      break;
    }
    case '$create_alias': {
      type = 'alias';
      eventName = null;
      const alias = idText(properties.alias);
      if (alias && alias !== distinctId) linkedIds.push({ id: alias, path: `${base}.properties.alias` });
      break;
    }
    case '$pageview':
      type = 'page';
      eventName = text(properties.$current_url) ?? text(properties.$pathname);
      break;
    case '$screen':
      type = 'screen';
      eventName = text(properties.$screen_name);
      break;
    case '$groupidentify':
      type = 'group';
      eventName = text(`${String(properties.$group_type ?? '')}:${String(properties.$group_key ?? '')}`);
      traits = objectOrEmpty(properties.$group_set);
      break;
  }
  return {
    message: {
      path: base,
      messageId: text(raw.uuid) ?? fallbackMessageId(raw),
      type,
      name: eventName,
      userId,
      anonymousId,
      linkedIds,
      properties,
      traits,
      context: {},
      personTraits: Object.keys(set).length > 0 ? [{ path: setPath, traits: set }] : [],
      occurredAt: time.at,
    },
  };
};

const collect = (items: unknown[], path: (i: number) => string, bodyBytes: number, receivedAt: Date): ParsedBatch => {
  const oversize = oversizeEvents(items, bodyBytes, path);
  if (oversize.length > 0) return { messages: [], issues: [], oversize };
  const messages: TrackedMessage[] = [];
  const issues: FieldIssue[] = [];
  items.forEach((item, i) => {
    const r = parsePosthogEvent(item, path(i), receivedAt);
    if (r.message) messages.push(r.message);
    else issues.push(...r.issues);
  });
  return { messages, issues, oversize: [] };
};

/** `{api_key, batch: [...]}` (posthog-node), one event `{api_key, event, distinct_id, ...}`, or an array of events. */
export const parsePosthogBody = (body: unknown, bodyBytes: number, receivedAt: Date): ParsedBatch => {
  if (Array.isArray(body)) return collect(body, (i) => `body[${i}]`, bodyBytes, receivedAt);
  if (!isObject(body)) return { messages: [], issues: [{ path: 'body', message: 'expected a JSON object' }], oversize: [] };
  if (body.batch !== undefined) {
    if (!Array.isArray(body.batch)) return { messages: [], issues: [{ path: 'body.batch', message: 'expected an array of events' }], oversize: [] };
    return collect(body.batch, (i) => `body.batch[${i}]`, bodyBytes, receivedAt);
  }
  const { api_key: _key, ...event } = body;
  return collect([event], () => 'body', bodyBytes, receivedAt);
};

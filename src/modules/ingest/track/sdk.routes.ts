import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorHandler } from '../../../http/error-handler.ts';
import { ErrorBodySchema } from '../../../http/schemas.ts';
import type { Db } from '../../../platform/db.ts';
import { AppError, type FieldError } from '../../../platform/errors.ts';
import type { Actor } from '../../auth/index.ts';
import type { EventType } from '../ingest.tables.ts';
import { ensureSource, recordRejections, writeKeySource } from '../sources.ts';
import { gunzipBody, isGzipError } from './gzip.ts';
import { createIngestBatcher } from './ingest-batcher.ts';
import { bodyBytesOf, parseJsonBody, rawBodyOf } from './json-body.ts';
import { PosthogBatchDocSchema, parsePosthogBody } from './posthog-schema.ts';
import { EVENT_TYPES, parseSegmentBatch, parseSegmentSingle, SegmentBatchDocSchema } from './segment-schema.ts';
import { type FieldIssue, MAX_BODY_BYTES, type ParsedBatch } from './tracked-message.ts';

// A refused batch names at most this many problems, and records at most this many rejection rows.
const MAX_FIELDS = 200;
const MAX_REJECTION_ROWS = 100;

/** Errors already written to ingest_rejection by the handler (the error handler records the others). */
const recorded = new WeakSet<Error>();

const ensuredSources = new WeakMap<Db, Set<string>>();

const sourceIdOf = writeKeySource;

/** The key's source, created on first use when the key was made without one (e.g. directly in the database). */
const sourceOf = async (db: Db, actor: Actor | null, at: Date): Promise<string> => {
  const id = sourceIdOf(actor);
  if (actor?.type !== 'api_key' || id === null) throw new AppError('auth.invalid_api_key', 'write key required');
  const known = ensuredSources.get(db) ?? new Set<string>();
  ensuredSources.set(db, known);
  if (!known.has(id)) {
    await db.transaction().execute((trx) => ensureSource(trx, { id, name: actor.sourceId ? id : actor.label, kind: 'http' }, at));
    known.add(id);
  }
  return id;
};

const record = (db: Db, sourceId: string | null, issues: FieldIssue[], at: Date) =>
  sourceId === null
    ? Promise.resolve()
    : recordRejections(
        db,
        issues.slice(0, MAX_REJECTION_ROWS).map((i) => ({ sourceId, type: i.type ?? null, name: i.name ?? null, field: i.path, reason: i.message, at })),
      );

const fieldsOf = (issues: FieldIssue[]): FieldError[] => {
  const fields = issues.slice(0, MAX_FIELDS).map((i) => ({ path: i.path, message: i.message }));
  if (issues.length > MAX_FIELDS) fields.push({ path: 'body', message: `and ${issues.length - MAX_FIELDS} more problems` });
  return fields;
};

/** Errors raised before the handler (body reading, gzip, JSON) in this API's own codes. */
const ingestError = (error: Error): Error => {
  const code = (error as FastifyError).code;
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return new AppError('ingest.too_large', `the body is larger than ${MAX_BODY_BYTES / 1024} KB (after decompression)`, {
      fields: [{ path: 'body', message: `larger than ${MAX_BODY_BYTES / 1024} KB` }],
    });
  }
  if (isGzipError(error)) return new AppError('ingest.invalid_gzip', 'the body is not valid gzip', { fields: [{ path: 'body', message: error.message }] });
  if (code === 'FST_ERR_CTP_INVALID_CONTENT_LENGTH') {
    return new AppError('ingest.invalid_body', 'Content-Length does not match the body sent', { fields: [{ path: 'body', message: 'length mismatch' }] });
  }
  return error;
};

const BODY_ERRORS = new Set(['ingest.invalid_body', 'ingest.invalid_gzip', 'ingest.too_large']);

const SegmentOkSchema = z.object({}).describe('stored (or already stored: messages are deduplicated by messageId)');
const PosthogOkSchema = z.object({ status: z.literal(1) });
const errors = { 400: ErrorBodySchema, 401: ErrorBodySchema, 403: ErrorBodySchema, 413: ErrorBodySchema, 429: ErrorBodySchema };
// Bodies are checked event by event in the handler, so that a refusal names every bad event; the schemas document them.
const documentOnly = () => (data: unknown) => ({ value: data });

/**
 * The tracking API, compatible with Segment's HTTP API (analytics-node, RudderStack's SDKs) and PostHog's
 * capture endpoints (posthog-node, posthog-js). Any content type is read as JSON; gzip bodies are inflated.
 */
export const sdkRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db, clock, config } = app.deps;
  // A third of the pool for ingest transactions leaves connections for key look-ups and the console;
  // requests beyond that share transactions (group commit).
  const batcher = createIngestBatcher(db, {
    maxInFlight: Math.max(2, Math.floor(config.dbPoolSize / 3)),
    maxMessages: 5000,
    onEnqueueError: (e) => app.log.warn({ component: 'ingest', err: e }, 'could not enqueue the resolver; the minutely sweep will'),
  });

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: MAX_BODY_BYTES }, parseJsonBody);
  app.addHook('preParsing', gunzipBody);

  // One budget per write key across all these endpoints, counted as soon as the key is known: before the
  // body is read for a key in the Authorization header, after it is parsed for a key in the body.
  const limit = app.createRateLimit({ max: config.apiRatePerMinute, timeWindow: 60_000, keyGenerator: (req) => `ingest:${req.actor?.id ?? req.ip}` });
  const counted = new WeakSet<FastifyRequest>();
  const rateLimit = async (req: FastifyRequest) => {
    if (!req.actor || counted.has(req)) return;
    counted.add(req);
    const r = await limit(req);
    if (!r.isAllowed && r.isExceeded) {
      const seconds = Math.max(1, r.ttlInSeconds);
      throw new AppError('ingest.rate_limited', `this write key sent more than ${config.apiRatePerMinute} requests this minute; retry in ${seconds} s`, {
        retryAfterSeconds: seconds,
      });
    }
  };
  app.addHook('onRequest', rateLimit);
  app.addHook('preValidation', rateLimit);

  app.setErrorHandler(async (error: Error, req: FastifyRequest, reply: FastifyReply) => {
    const e = ingestError(error);
    if (e instanceof AppError && BODY_ERRORS.has(e.code) && !recorded.has(e)) {
      await record(db, sourceIdOf(req.actor), [{ path: 'body', message: e.message }], clock.now()).catch(() => {});
    }
    return errorHandler(e, req, reply);
  });

  const ingest = async (req: FastifyRequest, parse: (body: unknown, bytes: number, receivedAt: Date) => ParsedBatch): Promise<void> => {
    const receivedAt = clock.now();
    const sourceId = await sourceOf(db, req.actor, receivedAt);
    const parsed = parse(req.body, bodyBytesOf(req), receivedAt);
    if (parsed.oversize.length > 0) {
      await record(db, sourceId, parsed.oversize, receivedAt);
      const e = new AppError('ingest.too_large', `${parsed.oversize.length} event(s) larger than 32 KB; nothing of this request was stored`, {
        fields: fieldsOf(parsed.oversize),
      });
      recorded.add(e);
      throw e;
    }
    if (parsed.issues.length > 0) {
      await record(db, sourceId, parsed.issues, receivedAt);
      const bad = new Set(parsed.issues.map((i) => i.path.replace(/^(body(?:\.batch)?(?:\[\d+\])?).*$/, '$1'))).size;
      const e = new AppError('ingest.invalid_event', `${bad} invalid event(s); nothing of this request was stored`, { fields: fieldsOf(parsed.issues) });
      recorded.add(e);
      throw e;
    }
    if (parsed.messages.length === 0) return;
    const submitted = batcher.submit({ sourceId, receivedAt, messages: parsed.messages, rawBatch: parsed.rawBatch });
    // The batcher keeps only the rows' text: dropping the parsed body too leaves the garbage collector
    // nothing of this request's events to copy while it waits for its commit.
    req.body = undefined;
    await submitted;
  };

  const access = { kind: 'api_key', scope: 'ingest:write', keyInBody: true } as const;
  const common = { bodyLimit: MAX_BODY_BYTES, config: { access }, validatorCompiler: documentOnly };

  for (const url of ['/v1/batch', '/v1/import']) {
    app.post(
      url,
      {
        ...common,
        schema: {
          tags: ['tracking'],
          summary: url === '/v1/batch' ? 'Segment-compatible batch of events' : 'Segment-compatible historical import (same as /v1/batch)',
          description:
            'Stores every event or none: a batch with an invalid event is refused with 400 naming each bad field. Events are deduplicated by messageId per source. Body ≤ 500 KB (also after gzip), events ≤ 32 KB.',
          security: [{ writeKey: [] }],
          body: SegmentBatchDocSchema,
          response: { 200: SegmentOkSchema, ...errors },
        },
      },
      async (req) => {
        await ingest(req, (body, bytes, at) => parseSegmentBatch(body, bytes, at, rawBodyOf(req)));
        return {};
      },
    );
  }

  for (const type of EVENT_TYPES) {
    app.post(
      `/v1/${type}`,
      {
        ...common,
        schema: {
          tags: ['tracking'],
          summary: `Segment-compatible ${type} event`,
          security: [{ writeKey: [] }],
          body: z.looseObject({ writeKey: z.string().optional() }),
          response: { 200: SegmentOkSchema, ...errors },
        },
      },
      async (req) => {
        await ingest(req, (body, bytes, at) => parseSegmentSingle(type as EventType, body, bytes, at));
        return {};
      },
    );
  }

  for (const url of ['/batch/', '/batch', '/capture/', '/capture', '/e/', '/e']) {
    app.post(
      url,
      {
        ...common,
        schema: {
          tags: ['tracking'],
          summary: 'PostHog-compatible capture (posthog-node, posthog-js); api_key is the write key',
          description: 'Gzip bodies are accepted with Content-Encoding: gzip or ?compression=gzip-js.',
          body: PosthogBatchDocSchema,
          response: { 200: PosthogOkSchema, ...errors },
        },
      },
      async (req) => {
        await ingest(req, parsePosthogBody);
        return { status: 1 as const };
      },
    );
  }
};

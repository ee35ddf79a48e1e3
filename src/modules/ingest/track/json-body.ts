import type { FastifyRequest } from 'fastify';
import { AppError } from '../../../platform/errors.ts';

// Escapes PostgreSQL's text and jsonb cannot hold: NUL, and UTF-16 surrogates (lone ones are invalid).
const UNSTORABLE_ESCAPE = /\\u(?:0000|d[89a-f][0-9a-f]{2})/i;

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const cleanText = (s: string): string => s.replaceAll('\u0000', '').replace(LONE_SURROGATE, '\ufffd');

const cleanDeep = (v: unknown): unknown => {
  if (typeof v === 'string') return cleanText(v);
  if (Array.isArray(v)) return v.map(cleanDeep);
  if (typeof v === 'object' && v !== null) {
    // fromEntries defines properties, so a "__proto__" key stays a plain key.
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [cleanText(k), cleanDeep(x)]));
  }
  return v;
};

const bodyBytes = new WeakMap<FastifyRequest, number>();
const rawBodies = new WeakMap<FastifyRequest, string>();

/** The size in bytes of a request's (inflated) JSON body, as parsed. */
export const bodyBytesOf = (req: FastifyRequest): number => bodyBytes.get(req) ?? 0;

/**
 * The request's (inflated) JSON text, when it parsed to exactly what it says: nothing had to be cleaned.
 * Stored as sent, it spares re-serialising what was parsed (see accept-messages).
 */
export const rawBodyOf = (req: FastifyRequest): string | undefined => rawBodies.get(req);

/**
 * Content-type parser for the tracking endpoints: any content type is read as JSON (SDKs send
 * application/json, text/plain from browsers' sendBeacon, or none). NUL characters and lone surrogates
 * are removed, as PostgreSQL cannot store them; the cleaning pass runs only when the text contains them.
 */
export const parseJsonBody = (req: FastifyRequest, body: string, done: (err: Error | null, body?: unknown) => void): void => {
  bodyBytes.set(req, Buffer.byteLength(body));
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (e) {
    // V8's message quotes the body; only the position is kept (the text may hold personal data).
    const position = /position (\d+)/.exec((e as Error).message)?.[1];
    const message = body.trim() === '' ? 'empty body' : position ? `not valid JSON at position ${position}` : 'not valid JSON';
    done(new AppError('ingest.invalid_body', 'body is not valid JSON', { fields: [{ path: 'body', message }] }));
    return;
  }
  if (UNSTORABLE_ESCAPE.test(body)) {
    done(null, cleanDeep(value));
    return;
  }
  rawBodies.set(req, body);
  done(null, value);
};

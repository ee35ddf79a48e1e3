import { isUtf8 } from 'node:buffer';
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
const rawBodies = new WeakMap<FastifyRequest, Buffer>();

/** The size in bytes of a request's (inflated) JSON body, as parsed. */
export const bodyBytesOf = (req: FastifyRequest): number => bodyBytes.get(req) ?? 0;

/**
 * The request's (inflated) JSON text as received (UTF-8 bytes), when it parsed to exactly what it says:
 * valid UTF-8 and nothing had to be cleaned. Stored as sent, it spares re-serialising what was parsed (see
 * accept-messages); kept as bytes, it is sent to PostgreSQL without encoding it again and, held outside
 * the JavaScript heap while the request waits for its commit, costs the garbage collector nothing.
 */
export const rawBodyOf = (req: FastifyRequest): Buffer | undefined => rawBodies.get(req);

/**
 * Content-type parser for the tracking endpoints: any content type is read as JSON (SDKs send
 * application/json, text/plain from browsers' sendBeacon, or none). NUL characters and lone surrogates
 * are removed, as PostgreSQL cannot store them; the cleaning pass runs only when the text contains them.
 */
export const parseJsonBody = (req: FastifyRequest, bytes: Buffer, done: (err: Error | null, body?: unknown) => void): void => {
  bodyBytes.set(req, bytes.length);
  // Invalid UTF-8 decodes to U+FFFD, as before; such a body is then not stored as sent.
  const body = bytes.toString('utf8');
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
  if (body.includes('\\u') && UNSTORABLE_ESCAPE.test(body)) {
    done(null, cleanDeep(value));
    return;
  }
  if (isUtf8(bytes)) rawBodies.set(req, bytes);
  done(null, value);
};

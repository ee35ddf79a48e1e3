import type { Readable } from 'node:stream';
import { createGunzip, type Gunzip } from 'node:zlib';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../../platform/errors.ts';

type Payload = Readable & { receivedEncodedLength?: number };

/** True when the request says its body is gzip: `Content-Encoding: gzip`, or PostHog's `?compression=gzip-js`. */
export const isGzipRequest = (req: FastifyRequest): boolean => {
  const encoding = String(req.headers['content-encoding'] ?? '')
    .trim()
    .toLowerCase();
  if (encoding === 'gzip' || encoding === 'x-gzip') return true;
  const compression = (req.query as Record<string, unknown> | undefined)?.compression;
  return typeof compression === 'string' && compression.toLowerCase().startsWith('gzip');
};

/** zlib's errors for a body that is not (complete) gzip. */
export const isGzipError = (e: unknown): boolean => {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('Z_');
};

/**
 * preParsing: inflates gzip bodies (RudderStack and PostHog clients compress by default). Fastify counts
 * the inflated bytes against the route's bodyLimit and stops reading past it, so a zip bomb costs at most
 * that much; `receivedEncodedLength` lets it still check Content-Length against the bytes on the wire.
 */
export const gunzipBody = async (req: FastifyRequest, _reply: FastifyReply, payload: Payload): Promise<Payload> => {
  const encoding = String(req.headers['content-encoding'] ?? '')
    .trim()
    .toLowerCase();
  if (!isGzipRequest(req)) {
    if (encoding !== '' && encoding !== 'identity') {
      throw new AppError('ingest.invalid_body', `Content-Encoding ${encoding.slice(0, 40)} is not supported; send gzip or no encoding`, {
        fields: [{ path: 'body', message: 'unsupported content encoding' }],
      });
    }
    return payload;
  }
  const gunzip: Gunzip & { receivedEncodedLength?: number } = createGunzip({ chunkSize: 64 * 1024 });
  gunzip.receivedEncodedLength = 0;
  payload.on('data', (chunk: Buffer) => {
    gunzip.receivedEncodedLength = (gunzip.receivedEncodedLength ?? 0) + chunk.length;
  });
  payload.on('error', (e) => gunzip.destroy(e));
  payload.pipe(gunzip);
  return gunzip;
};

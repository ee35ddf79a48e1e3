import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { AppError, type FieldError } from '../platform/errors.ts';
import { httpStatusFor } from './error-status.ts';

export type ErrorBody = { error: { code: string; message: string; fields?: FieldError[] } };

const send = (reply: FastifyReply, status: number, body: ErrorBody) => reply.status(status).type('application/json').send(body);

const validationFields = (error: { validation: { instancePath: string; message?: string }[]; validationContext?: string }): FieldError[] =>
  error.validation.map((v) => {
    const path = [error.validationContext ?? 'body', ...v.instancePath.split('/').filter(Boolean)].join('.');
    return { path, message: v.message ?? 'invalid' };
  });

/** Every error leaves as `{error: {code, message, fields?}}`; clients never see a stack trace. */
export const errorHandler = (error: FastifyError | AppError | Error, request: FastifyRequest, reply: FastifyReply) => {
  if (error instanceof AppError) {
    if (error.retryAfterSeconds) reply.header('retry-after', String(error.retryAfterSeconds));
    return send(reply, httpStatusFor(error.code), {
      error: { code: error.code, message: error.message, ...(error.fields ? { fields: error.fields } : {}) },
    });
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const fields = validationFields(error as never);
    const names = fields.map((f) => f.path).join(', ');
    return send(reply, 400, { error: { code: 'request.invalid', message: `invalid request: ${names}`, fields } });
  }
  const fe = error as FastifyError;
  switch (fe.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return send(reply, 400, { error: { code: 'request.invalid', message: 'body is not valid JSON', fields: [{ path: 'body', message: fe.message }] } });
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return send(reply, 413, { error: { code: 'request.too_large', message: 'request body is too large' } });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return send(reply, 415, { error: { code: 'request.unsupported_media_type', message: 'send application/json' } });
  }
  if (fe.statusCode === 429) {
    return send(reply, 429, { error: { code: 'rate_limit.exceeded', message: 'too many requests; slow down' } });
  }
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
    return send(reply, fe.statusCode, { error: { code: 'request.invalid', message: fe.message } });
  }
  request.log.error(
    { err: isResponseSerializationError(error) ? { message: 'response serialization failed', route: request.routeOptions.url } : error },
    'unhandled error',
  );
  return send(reply, 500, { error: { code: 'internal.error', message: 'internal error; it has been logged' } });
};

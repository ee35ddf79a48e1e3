import type { ErrorCode } from '../modules/errors.ts';

/** HTTP status for every error code; a code without a status does not compile. */
export const statusByCode = {
  'request.invalid': 400,
  'request.not_found': 404,
  'request.too_large': 413,
  'request.unsupported_media_type': 415,
  'rate_limit.exceeded': 429,
  'internal.error': 500,
  'auth.unauthenticated': 401,
  'auth.forbidden': 403,
  'auth.invalid_credentials': 401,
  'auth.locked': 429,
  'auth.email_taken': 409,
  'auth.user_not_found': 404,
  'auth.last_admin': 409,
  'auth.api_key_not_found': 404,
  'auth.invalid_api_key': 401,
  'audit.chain_broken': 409,
  'customers.not_found': 404,
  'customers.invalid_phone': 400,
  'customers.member_no_taken': 409,
  'identity.merge_not_found': 404,
  'identity.merge_conflict': 409,
  'identity.already_undone': 409,
  'identity.not_a_root': 409,
  'ingest.invalid_event': 400,
  'ingest.invalid_body': 400,
  'ingest.invalid_gzip': 400,
  'ingest.too_large': 413,
  'ingest.rate_limited': 429,
  'ingest.invalid_file': 400,
  'ingest.invalid_mapping': 400,
  'ingest.import_not_found': 404,
  'ingest.source_not_found': 404,
} satisfies Record<ErrorCode, number>;

export const httpStatusFor = (code: string): number => (statusByCode as Record<string, number>)[code] ?? 500;

import type { ErrorCode } from '../modules/errors.ts';

/** Process exit code for every error code (sysexits.h conventions); a code without one does not compile. */
export const exitCodeByCode = {
  'request.invalid': 64,
  'request.not_found': 66,
  'request.too_large': 65,
  'request.unsupported_media_type': 65,
  'rate_limit.exceeded': 75,
  'internal.error': 70,
  'auth.unauthenticated': 77,
  'auth.forbidden': 77,
  'auth.invalid_credentials': 77,
  'auth.locked': 75,
  'auth.email_taken': 73,
  'auth.user_not_found': 66,
  'auth.last_admin': 73,
  'auth.api_key_not_found': 66,
  'auth.invalid_api_key': 77,
  'audit.chain_broken': 65,
  'customers.not_found': 66,
  'customers.invalid_phone': 65,
  'customers.member_no_taken': 73,
  'identity.merge_not_found': 66,
  'identity.merge_conflict': 73,
  'identity.already_undone': 73,
  'identity.not_a_root': 73,
  'ingest.invalid_event': 65,
  'ingest.invalid_body': 65,
  'ingest.invalid_gzip': 65,
  'ingest.too_large': 65,
  'ingest.rate_limited': 75,
  'ingest.invalid_file': 65,
  'ingest.invalid_mapping': 64,
  'ingest.import_not_found': 66,
  'ingest.source_not_found': 66,
} satisfies Record<ErrorCode, number>;

export const exitCodeFor = (code: string): number => (exitCodeByCode as Record<string, number>)[code] ?? 70;

import type { PlatformErrorCode } from '../platform/errors.ts';
import type { AuditErrorCode } from './audit/audit.errors.ts';
import type { AuthErrorCode } from './auth/auth.errors.ts';
import type { CustomersErrorCode } from './customers/customers.errors.ts';
import type { IdentityErrorCode } from './identity/identity.errors.ts';
import type { IngestErrorCode } from './ingest/ingest.errors.ts';

/** Every error code in the system; transports map each one exhaustively. */
export type ErrorCode = PlatformErrorCode | AuthErrorCode | AuditErrorCode | CustomersErrorCode | IdentityErrorCode | IngestErrorCode;

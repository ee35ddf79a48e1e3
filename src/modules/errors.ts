import type { PlatformErrorCode } from '../platform/errors.ts';
import type { AuditErrorCode } from './audit/audit.errors.ts';
import type { AuthErrorCode } from './auth/auth.errors.ts';
import type { CustomersErrorCode } from './customers/customers.errors.ts';
import type { IdentityErrorCode } from './identity/identity.errors.ts';
import type { IngestErrorCode } from './ingest/ingest.errors.ts';
import type { RecommendationsErrorCode } from './intelligence/recommendations/recommendations.errors.ts';
import type { ScoringErrorCode } from './intelligence/scoring/scoring.errors.ts';
import type { SegmentationErrorCode } from './intelligence/segmentation/segmentation.errors.ts';
import type { TagsErrorCode } from './intelligence/tags/tags.errors.ts';
import type { LoyaltyErrorCode } from './loyalty/loyalty.errors.ts';

/** Every error code in the system; transports map each one exhaustively. */
export type ErrorCode =
  | TagsErrorCode
  | SegmentationErrorCode
  | ScoringErrorCode
  | RecommendationsErrorCode
  | PlatformErrorCode
  | AuthErrorCode
  | AuditErrorCode
  | CustomersErrorCode
  | IdentityErrorCode
  | IngestErrorCode
  | LoyaltyErrorCode;

import type { PlatformSettingTables, PlatformTables } from '../platform/platform.tables.ts';
import type { AnalyticsTables } from './analytics/analytics.tables.ts';
import type { AuditTables } from './audit/audit.tables.ts';
import type { AuthTables } from './auth/auth.tables.ts';
import type { CustomersTables } from './customers/customers.tables.ts';
import type { IdentityTables } from './identity/identity.tables.ts';
import type { IngestTables } from './ingest/ingest.tables.ts';
import type { RecommendationsTables } from './intelligence/recommendations/recommendations.tables.ts';
import type { ScoringTables } from './intelligence/scoring/scoring.tables.ts';
import type { SegmentationTables } from './intelligence/segmentation/segmentation.tables.ts';
import type { TagsTables } from './intelligence/tags/tags.tables.ts';
import type { LoyaltyTables } from './loyalty/loyalty.tables.ts';
import type { ProfilesTables } from './profiles/profiles.tables.ts';

/** The whole schema as Kysely sees it: each module contributes its own tables. */
export interface Database
  extends PlatformTables,
    PlatformSettingTables,
    AuthTables,
    AuditTables,
    CustomersTables,
    IdentityTables,
    IngestTables,
    ProfilesTables,
    AnalyticsTables,
    ScoringTables,
    SegmentationTables,
    TagsTables,
    RecommendationsTables,
    LoyaltyTables {}

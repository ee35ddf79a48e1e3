// Shapes of the identity and 360° profile API (src/modules/identity, src/modules/profiles).
// Lists of literal values are arrays so the locale test can check each has a translation.

import type * as profiles from '../../../src/modules/profiles/profiles.shared';
import type { TimelineKind } from '../../../src/modules/profiles/profiles.shared';
import type { Wire } from './wire';

/** Identifier types of the identity graph, highest default priority first. */
export const IDENTITY_TYPES = ['member_no', 'user_id', 'wechat_unionid', 'phone', 'email', 'wechat_openid', 'external', 'anonymous_id'] as const;
export type IdentityType = (typeof IDENTITY_TYPES)[number];

export const SURVIVORSHIP_RULES = ['most_recent', 'most_trusted', 'most_frequent'] as const;
export type SurvivorshipRule = (typeof SURVIVORSHIP_RULES)[number];

export { TIMELINE_KINDS, type TimelineKind } from '../../../src/modules/profiles/profiles.shared';

/** How a merge came about; other values are shown as sent by the server. */
export const MERGE_RULES = ['manual', 'shared_identifier', 'reresolution'] as const;

/** Golden-record fields with their own label; `attr:<key>` fields are shown as `<key>`. */
export const GOLDEN_FIELDS = ['display_name', 'phone', 'email', 'member_no'] as const;

export interface GoldenValue {
  field: string;
  value: string;
  source: string;
  lastSeenAt: string;
  rule: SurvivorshipRule;
  /** How many different values were seen for this field across all merged records. */
  candidates: number;
}

export interface ProfileRecord {
  id: string;
  source: string;
  createdAt: string;
  mergedAt: string | null;
}

export interface Merge {
  id: string;
  winnerId: string;
  loserId: string;
  rule: string;
  evidence: Record<string, unknown>;
  mergedAt: string;
  mergedBy: string;
  undoneAt: string | null;
  undoneBy: string | null;
}

export interface ProfileSource {
  source: string;
  kind: TimelineKind;
  count: number;
  lastAt: string;
}

export interface CustomerProfile {
  rootId: string;
  golden: GoldenValue[];
  records: ProfileRecord[];
  merges: Merge[];
  sources: ProfileSource[];
  masked: boolean;
}

export type TimelineItem = Wire<profiles.TimelineItem>;

export interface TimelineCursor {
  beforeAt: string;
  beforeId: string;
}

export interface TimelinePage {
  items: TimelineItem[];
  next: TimelineCursor | null;
}

export interface IdentityMetrics {
  linkRate: {
    linked: number;
    total: number;
    rate: number;
    events: { linked: number; total: number };
    orders: { linked: number; total: number };
  };
  duplicateRate: { duplicates: number; customers: number; rate: number; conflicted: number };
  customers: number;
  mergedRecords: number;
  quarantined: number;
  merges: { total: number; undone: number; last30d: number };
  /** When these figures were measured (a job measures hourly and after imports, rule changes, re-resolutions). */
  measuredAt: string;
  /** How long measuring took. */
  seconds: number;
  /** A new measurement is waiting or under way. */
  pending: boolean;
}

export interface IdentityRules {
  priorities: Record<IdentityType, number>;
  maxPerCustomer: Record<IdentityType, number>;
  quarantineAfterCustomers: number;
  phoneRegion: string;
  survivorship: { default: SurvivorshipRule; fields: Record<string, SurvivorshipRule> };
}

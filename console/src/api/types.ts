// Shapes of the HTTP API (see the API contract). Lists of literal values are exported as
// arrays so the locale test can check that each one has a translation; those the server defines come
// from its dependency-free modules (types through Wire<>, which turns dates into strings).

import type * as audit from '../../../src/modules/audit/audit.shared';
import type { Permission, Role } from '../../../src/modules/auth/permissions';
import type { Wire } from './wire';

export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

export { PERMISSIONS, type Permission, ROLES, type Role } from '../../../src/modules/auth/permissions';

export const ORDER_STATUSES = ['paid', 'fulfilled', 'cancelled', 'refunded', 'partially_refunded'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export { ACTOR_TYPES, type ActorType } from '../../../src/modules/audit/audit.shared';

export const USER_STATUSES = ['active', 'disabled'] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

export { CHAIN_PROBLEM_KINDS as AUDIT_PROBLEM_KINDS, type ChainProblemKind as AuditProblemKind } from '../../../src/modules/audit/audit.shared';

/** Audit actions named in the contract; others are shown as sent by the server. */
export const KNOWN_AUDIT_ACTIONS = [
  'auth.login',
  'auth.login_failed',
  'customer.read_pii',
  'customer.list_pii',
  'customer.create',
  'customer.update',
  'user.create',
  'user.update',
  'api_key.create',
  'api_key.revoke',
  'user.password_reset',
  'customer.merge',
  'customer.unmerge',
  'identity.rules_update',
  'identity.reresolve',
  'ingest.import',
  'ingest.import_errors_download',
  'ingest.read_events',
  'intelligence.model_run',
  'intelligence.scoring_settings_update',
  'segmentation.scheme_update',
  'segmentation.scheme_activate',
  'segmentation.settings_update',
  'segmentation.run',
  'tag.create',
  'tag.update',
  'tag.evaluate',
  'tag.archive',
  'tag.restore',
  'tag.delete',
  'customer.tag_add',
  'customer.tag_remove',
  'recommendations.train',
  'recommendations.stop',
  'recommendations.resume',
  'loyalty.grant_create',
  'loyalty.grant_approve',
  'loyalty.grant_reject',
  'loyalty.settings_update',
  'loyalty.enrol',
  'loyalty.points_grant',
  'loyalty.points_redeem',
  'loyalty.benefit_create',
  'loyalty.benefit_update',
  'loyalty.benefit_redeem',
  'loyalty.cocreation_create',
  'loyalty.cocreation_invite',
  'loyalty.cocreation_update',
] as const;

/** Error codes the console translates; unknown codes fall back to the server message. */
export const KNOWN_ERROR_CODES = [
  'auth.invalid_credentials',
  'auth.locked',
  'auth.unauthenticated',
  'auth.forbidden',
  'auth.email_taken',
  'auth.last_admin',
  'rate_limit.exceeded',
  'customers.not_found',
  'identity.merge_conflict',
  'identity.not_a_root',
  'identity.already_undone',
  'identity.merge_not_found',
  'segmentation.scheme_not_found',
  'segmentation.invalid_scheme',
  'segmentation.invalid_settings',
  'segmentation.run_in_progress',
  'segmentation.customer_not_found',
  'tags.not_found',
  'tags.invalid_definition',
  'tags.name_taken',
  'tags.not_manual',
  'tags.archived',
  'tags.in_use',
  'recommendations.switch_unchanged',
  'loyalty.not_a_member',
  'loyalty.insufficient_points',
  'loyalty.idempotency_conflict',
  'loyalty.over_operation_limit',
  'loyalty.daily_budget_exceeded',
  'loyalty.grant_not_found',
  'loyalty.grant_state',
  'loyalty.same_approver',
  'loyalty.benefit_not_found',
  'loyalty.out_of_stock',
  'loyalty.benefit_unavailable',
  'loyalty.tier_too_low',
  'loyalty.invalid_settings',
  'loyalty.cocreation_not_found',
  'loyalty.reconcile_failed',
  'scoring.run_in_progress',
  'scoring.run_not_found',
  'scoring.not_enough_data',
  'scoring.invalid_settings',
  'http.network',
] as const;

export const IDENTIFIER_TYPES = ['phone', 'email', 'member_no'] as const;

export const CUSTOMER_SORT_FIELDS = ['createdAt', 'displayName', 'lastOrderAt', 'totalSpentFen', 'orderCount'] as const;
export type CustomerSortField = (typeof CUSTOMER_SORT_FIELDS)[number];
export type SortOrder = 'asc' | 'desc';

export interface Me {
  id: string;
  email: string;
  displayName: string;
  role: Role;
  permissions: Permission[];
  locale: Locale | null;
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

export interface MonthlyPoint {
  month: string;
  orders: number;
  revenueFen: number;
  newCustomers: number;
}

export interface DashboardOverview {
  customers: { total: number; newLast30d: number };
  orders: { total: number; last30d: number };
  revenueFen: { last30d: number; last365d: number };
  refundRate: number;
  activeCustomers90d: number;
  monthly: MonthlyPoint[];
}

export interface CustomerListItem {
  id: string;
  displayName: string;
  phone: string | null;
  email: string | null;
  memberNo: string | null;
  createdAt: string;
  orderCount: number;
  totalSpentFen: number;
  lastOrderAt: string | null;
}

export interface CustomerPage extends Page<CustomerListItem> {
  masked: boolean;
  /** A search counts at most 10,000 matches; then `total` is that cap. */
  totalCapped: boolean;
}

export interface CustomerIdentifier {
  type: string;
  value: string;
  source: string;
  createdAt: string;
}

export interface CustomerStats {
  orderCount: number;
  totalSpentFen: number;
  refundedFen: number;
  averageOrderFen: number;
  firstOrderAt: string | null;
  lastOrderAt: string | null;
}

export interface CustomerDetail {
  id: string;
  displayName: string;
  phone: string | null;
  email: string | null;
  memberNo: string | null;
  attributes: Record<string, unknown>;
  source: string;
  createdAt: string;
  updatedAt: string;
  identifiers: CustomerIdentifier[];
  stats: CustomerStats;
  masked: boolean;
}

export interface CustomerInput {
  displayName?: string;
  phone?: string;
  email?: string;
  memberNo?: string;
}

export interface OrderLine {
  lineNo: number;
  sku: string;
  name: string;
  quantity: number;
  unitPriceFen: number;
  amountFen: number;
}

export interface Order {
  id: string;
  externalId: string;
  source: string;
  status: OrderStatus;
  currency: string;
  totalFen: number;
  refundedFen: number;
  placedAt: string;
  lines: OrderLine[];
}

export interface User {
  id: string;
  email: string;
  displayName: string;
  role: Role;
  status: UserStatus;
  lastLoginAt: string | null;
  createdAt: string;
}

export interface RoleMatrix {
  permissions: Permission[];
  roles: { role: Role; permissions: Permission[] }[];
}

export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  /** The ingest source its events are recorded under. */
  sourceId: string | null;
  createdAt: string;
  createdBy: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export type AuditEntry = Wire<audit.AuditEntry>;

export type AuditVerifyResult = audit.ChainReport;

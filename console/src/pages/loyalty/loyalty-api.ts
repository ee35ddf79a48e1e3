import type * as loyalty from '../../../../src/modules/loyalty/loyalty.shared';
import type { InvitationStatus } from '../../../../src/modules/loyalty/loyalty.shared';
import { api } from '../../api/client';
import type { Wire } from '../../api/wire';

export { INVITATION_TRANSITIONS, type InvitationStatus } from '../../../../src/modules/loyalty/loyalty.shared';

export type TierName = { 'zh-CN': string; en: string };
export interface Tier {
  code: string;
  name: TierName;
  threshold: number;
  earnMultiplier: number;
  benefits: string[];
}
export interface LoyaltySettings {
  tiers: Tier[];
  pointsPerYuan: number;
  pendingDays: number;
  expiryMonths: number;
  debtPolicy: 'debt' | 'forgive';
  earn: { community: number; referral: number; caseShare: number };
  growth: { perYuan: number; perOrder: number; community: number; referral: number; caseShare: number };
  evaluationWindowMonths: number;
  graceDays: number;
  guards: { maxPointsPerOperation: number; dailyIssuanceBudget: number; budgetWarnRatio: number; bulkApprovalThreshold: number };
  milestones: { anniversaryPoints: number; birthdayPoints: number };
  enrolment: { identifyTrait: string | null };
}
export interface LoyaltyOverview {
  members: number;
  tiers: { code: string; name: TierName; members: number }[];
  outstanding: number;
  debt: number;
  issued: number;
  redeemed: number;
  expired: number;
  reversed: number;
  today: { day: string; issued: number; budget: number };
  pendingApprovals: number;
  months: { month: string; liability: number; issued: number; redeemed: number }[];
  alerts: { id: string; kind: string; message: string; at: string }[];
}
export interface Movement {
  id: string;
  kind: string;
  points: number;
  reason: string;
  idempotencyKey: string;
  refType: string | null;
  refId: string | null;
  actor: string;
  createdAt: string;
  lines: { account: string; delta: number }[];
}
export interface MemberDetail {
  member: {
    customerId: string;
    memberNo: string;
    tier: string;
    growth: number;
    windowGrowth: number;
    qualifiedTier: string;
    enrolledAt: string;
    tierSince: string;
    graceUntil: string | null;
  } | null;
  balances: { member: number; pending: number; debt: number };
  lots: { id: string; points: number; remaining: number; earnedAt: string; expiresAt: string | null }[];
  ledger: Movement[];
  tierChanges: { id: string; from: string | null; to: string; reason: string; growth: number; at: string }[];
  redemptions: { id: string; benefitName: string; code: string; points: number; createdAt: string }[];
}
export type Benefit = Wire<loyalty.Benefit>;
export type Grant = Wire<loyalty.BulkGrant>;
export interface Cocreation {
  id: string;
  title: string;
  kind: 'product_test' | 'event' | 'interview';
  description: string;
  startsAt: string | null;
  capacity: number | null;
  counts: Record<InvitationStatus, number>;
}
export interface CocreationInput {
  title: string;
  kind: Cocreation['kind'];
  description?: string;
  startsAt?: string | null;
  capacity?: number | null;
}
export interface Invitation {
  customerId: string;
  memberNo: string;
  tier: string;
  growth: number;
  status: InvitationStatus;
  invitedAt: string;
  updatedAt: string;
}
export type BenefitInput = Omit<Benefit, 'id' | 'stockLeft' | 'active'> & { active?: boolean };
export interface ReconcileReport {
  ok: boolean;
  accounts: number;
  movements: number;
  liabilityFromLedger: number;
  liabilityFromBalances: number;
  problems: { kind: string; customerId: string; account?: string; expected: number; actual: number }[];
  seconds: number;
}

export const loyaltyApi = {
  overview: () => api.get<LoyaltyOverview>('/api/loyalty/overview'),
  settings: () => api.get<{ settings: LoyaltySettings }>('/api/loyalty/settings'),
  saveSettings: (s: LoyaltySettings) => api.put<{ settings: LoyaltySettings }>('/api/loyalty/settings', s),
  member: (customerId: string) => api.get<MemberDetail>(`/api/loyalty/members/${encodeURIComponent(customerId)}`),
  enrol: (customerId: string) => api.post<{ memberNo: string }>(`/api/loyalty/members/${encodeURIComponent(customerId)}/enrol`),
  points: (customerId: string, body: { direction: 'grant' | 'redeem'; points: number; reason: string; idempotencyKey: string }) =>
    api.post<{ replayed: boolean }>(`/api/loyalty/members/${encodeURIComponent(customerId)}/points`, body),
  benefits: () => api.get<{ items: Benefit[] }>('/api/loyalty/benefits'),
  createBenefit: (b: BenefitInput) => api.post<{ benefit: Benefit }>('/api/loyalty/benefits', b),
  updateBenefit: (id: string, b: BenefitInput) => api.put<{ benefit: Benefit }>(`/api/loyalty/benefits/${encodeURIComponent(id)}`, b),
  redeem: (benefitId: string, customerId: string, idempotencyKey: string) =>
    api.post<{ redemption: { code: string } }>(`/api/loyalty/benefits/${encodeURIComponent(benefitId)}/redeem`, { customerId, idempotencyKey }),
  grants: (status?: string) => api.get<{ items: Grant[] }>('/api/loyalty/grants', { status }),
  createGrant: (body: { title: string; reason: string; pointsEach: number; customerIds: string[] }) => api.post<{ grant: Grant }>('/api/loyalty/grants', body),
  decide: (id: string, approve: boolean) => api.post<{ grant: Grant }>(`/api/loyalty/grants/${encodeURIComponent(id)}/decision`, { approve }),
  reconcile: () => api.get<ReconcileReport>('/api/loyalty/reconcile'),
  cocreations: () => api.get<{ items: Cocreation[] }>('/api/loyalty/cocreations'),
  createCocreation: (body: CocreationInput & { inviteTier: string; inviteCount: number }) =>
    api.post<{ id: string; invited: number }>('/api/loyalty/cocreations', body),
  updateCocreation: (id: string, body: CocreationInput) => api.put<{ ok: true }>(`/api/loyalty/cocreations/${encodeURIComponent(id)}`, body),
  invitations: (id: string) => api.get<{ items: Invitation[] }>(`/api/loyalty/cocreations/${encodeURIComponent(id)}/invitations`),
  setInvitation: (id: string, customerId: string, status: InvitationStatus) =>
    api.put<{ ok: true }>(`/api/loyalty/cocreations/${encodeURIComponent(id)}/invitations/${encodeURIComponent(customerId)}`, { status }),
};

/** A fresh idempotency key per user action: a double click or a retry sends the same one. */
export const newKey = (): string => `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;

export const tierLabel = (tiers: { code: string; name: TierName }[] | undefined, code: string | null, lang: string): string => {
  if (!code) return '—';
  const tier = tiers?.find((t) => t.code === code);
  return tier ? (lang.startsWith('zh') ? tier.name['zh-CN'] : tier.name.en) : code;
};

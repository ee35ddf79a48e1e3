import type { AppDeps } from './http/deps.ts';
import { systemActor } from './modules/auth/index.ts';
import { resolveDemoIdentities } from './modules/customers/demo/resolve-demo-identities.ts';
import { trainRecommendations } from './modules/intelligence/recommendations/index.ts';
import { scoreDemoCompany } from './modules/intelligence/scoring/index.ts';
import { retier } from './modules/intelligence/segmentation/index.ts';
import { ensurePresetTags } from './modules/intelligence/tags/index.ts';
import { seedDemoLoyalty } from './modules/loyalty/index.ts';

/**
 * What runs after the demo company's customers and orders exist, on every `guanxi demo` start,
 * in order: modules that derive data (RFM tiers, scores, tags, loyalty) add a step here so the
 * console has something to show. Each step must be idempotent (a restart runs it again).
 */
export type DemoStep = { name: string; run: (deps: AppDeps) => Promise<void> };

export const demoSteps = (): DemoStep[] => [
  // Before everything derived per customer: the channels' duplicate records are merged into unified customers.
  { name: 'identity: cross-channel duplicates merged', run: async (deps) => void (await resolveDemoIdentities(deps)) },
  // First: tags and the churn list read the tiers.
  {
    name: 'segmentation: RFM, tiers and lifecycle stages',
    run: async ({ db, clock }) => void (await retier(db, clock, { trigger: 'demo', triggeredBy: null })),
  },
  { name: 'scoring: CLV, value × potential and churn risk', run: async (deps) => void (await scoreDemoCompany(deps)) },
  // Tags after the data they test (orders, events, RFM scores and tiers).
  { name: 'tags: preset rule and behavioural tags evaluated', run: async ({ db, clock }) => void (await ensurePresetTags(db, clock)) },
  {
    name: 'recommendations: model trained and measured on held-out last orders',
    run: async ({ db, clock }) => void (await trainRecommendations(db, clock, systemActor('demo'))),
  },
  // After identity: points go to the unified (root) customer.
  { name: 'loyalty: members enrolled, points earned from their orders', run: async ({ db, clock }) => void (await seedDemoLoyalty(db, clock)) },
];

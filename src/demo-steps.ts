import type { AppDeps } from './http/deps.ts';

/**
 * What runs after the demo company's customers and orders exist, on every `guanxi demo` start,
 * in order: modules that derive data (RFM tiers, scores, tags, loyalty) add a step here so the
 * console has something to show. Each step must be idempotent (a restart runs it again).
 */
export type DemoStep = { name: string; run: (deps: AppDeps) => Promise<void> };

export const demoSteps = (): DemoStep[] => [];

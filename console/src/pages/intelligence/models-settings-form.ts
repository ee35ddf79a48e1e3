import type { ScoringSettings } from './models-types';

/**
 * The scoring settings form has the API's shape (so a server field path names its form item), with the
 * rates and shares shown in percent.
 */
export type ScoringSettingsFormValues = ScoringSettings;

// Rounded so that 10 % ↔ 0.1 and 12.5 % ↔ 0.125 round-trip without float noise.
const toPercent = (share: number) => Number((share * 100).toFixed(4));
const toShare = (percent: number) => Number((percent / 100).toFixed(6));

export const toScoringForm = (s: ScoringSettings): ScoringSettingsFormValues => ({
  timeZone: s.timeZone,
  clv: { ...s.clv, schedule: { ...s.clv.schedule }, annualDiscountRate: toPercent(s.clv.annualDiscountRate) },
  churn: { ...s.churn, schedule: { ...s.churn.schedule }, heldOutShare: toPercent(s.churn.heldOutShare) },
  valuePotential: {
    highValuePercentile: toPercent(s.valuePotential.highValuePercentile),
    lowValuePercentile: toPercent(s.valuePotential.lowValuePercentile),
    highPotentialPercentile: toPercent(s.valuePotential.highPotentialPercentile),
  },
});

export const toScoringSettings = (v: ScoringSettingsFormValues): ScoringSettings => ({
  timeZone: v.timeZone.trim(),
  clv: { ...v.clv, schedule: { ...v.clv.schedule }, annualDiscountRate: toShare(v.clv.annualDiscountRate) },
  churn: { ...v.churn, schedule: { ...v.churn.schedule }, heldOutShare: toShare(v.churn.heldOutShare) },
  valuePotential: {
    highValuePercentile: toShare(v.valuePotential.highValuePercentile),
    lowValuePercentile: toShare(v.valuePotential.lowValuePercentile),
    highPotentialPercentile: toShare(v.valuePotential.highPotentialPercentile),
  },
});

const FIELDS = new Set([
  'timeZone',
  'clv.schedule.enabled',
  'clv.schedule.hour',
  'clv.annualDiscountRate',
  'clv.holdoutDays',
  'clv.timeUnit',
  'churn.schedule.enabled',
  'churn.schedule.weekday',
  'churn.schedule.hour',
  'churn.horizonDays',
  'churn.activeWithinDays',
  'churn.heldOutShare',
  'churn.maxTrainingCustomers',
  'churn.l2',
  'valuePotential.highValuePercentile',
  'valuePotential.lowValuePercentile',
  'valuePotential.highPotentialPercentile',
]);

/** A server field (`body.clv.annualDiscountRate`) → the form item's name path, if the form shows it. */
export const scoringFieldName = (path: string): string[] | undefined => {
  const field = path.replace(/^body\./, '');
  return FIELDS.has(field) ? field.split('.') : undefined;
};

import { describe, expect, it } from 'vitest';
import { scoringFieldName, toScoringForm, toScoringSettings } from './models-settings-form';
import type { ScoringSettings } from './models-types';

const settings: ScoringSettings = {
  timeZone: 'Asia/Shanghai',
  clv: { schedule: { enabled: true, hour: 2 }, annualDiscountRate: 0.1, holdoutDays: 180, timeUnit: 'day' },
  churn: { schedule: { enabled: true, weekday: 1, hour: 3 }, horizonDays: 30, activeWithinDays: 365, heldOutShare: 0.2, maxTrainingCustomers: 200_000, l2: 1 },
  valuePotential: { highValuePercentile: 0.7, lowValuePercentile: 0.3, highPotentialPercentile: 0.7 },
};

describe('scoring settings form', () => {
  it('shows rates and shares in percent and sends them back as fractions, without float drift', () => {
    const form = toScoringForm(settings);
    expect(form.clv.annualDiscountRate).toBe(10);
    expect(form.churn.heldOutShare).toBe(20);
    expect(form.valuePotential).toEqual({ highValuePercentile: 70, lowValuePercentile: 30, highPotentialPercentile: 70 });
    expect(toScoringSettings(form)).toEqual(settings);
    const edited = toScoringSettings({ ...form, timeZone: ' Europe/Berlin ', clv: { ...form.clv, annualDiscountRate: 12.5 } });
    expect(edited.clv.annualDiscountRate).toBe(0.125);
    expect(edited.timeZone).toBe('Europe/Berlin');
  });

  it('puts server field errors under the matching form items', () => {
    expect(scoringFieldName('body.clv.annualDiscountRate')).toEqual(['clv', 'annualDiscountRate']);
    expect(scoringFieldName('timeZone')).toEqual(['timeZone']);
    expect(scoringFieldName('body.valuePotential.lowValuePercentile')).toEqual(['valuePotential', 'lowValuePercentile']);
    expect(scoringFieldName('body.churn.somethingElse')).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { schemeFieldName, settingsFieldName, toSchemeConfig, toSchemeForm, toSettings, toSettingsForm } from './tier-scheme-form';

describe('tier scheme form', () => {
  it('edits thresholds in yuan and sends fen, without float drift', () => {
    const config = { upperFen: 1_000_000, lowerFen: 100_000, inactiveDays: 180, spendWindowDays: 365 };
    expect(toSchemeForm(config)).toEqual({ upperYuan: 10_000, lowerYuan: 1_000, inactiveDays: 180, spendWindowDays: 365 });
    expect(toSchemeConfig({ upperYuan: 12_345.67, lowerYuan: 0.29, inactiveDays: 90, spendWindowDays: 365 })).toEqual({
      upperFen: 1_234_567,
      lowerFen: 29,
      inactiveDays: 90,
      spendWindowDays: 365,
    });
    expect(toSchemeConfig(toSchemeForm(config))).toEqual(config);
  });

  it('puts server field errors under the matching form items', () => {
    expect(schemeFieldName('body.lowerFen')).toBe('lowerYuan');
    expect(schemeFieldName('body.inactiveDays')).toBe('inactiveDays');
    expect(schemeFieldName('body.other')).toBeUndefined();
    expect(settingsFieldName('body.lifecycle.churnDays')).toBe('churnDays');
    expect(settingsFieldName('body.schedule.enabled')).toBe('scheduleEnabled');
  });

  it('round-trips settings, "all history" as a null window', () => {
    const settings = {
      rfm: { windowDays: null, buckets: 4 as const },
      lifecycle: { newDays: 90, activeDays: 90, churnDays: 365, wonBackGapDays: 180 },
      schedule: { enabled: true, cron: '0 2 1 1,4,7,10 *' },
    };
    expect(toSettingsForm(settings)).toMatchObject({ allHistory: true, windowDays: 730 });
    expect(toSettings(toSettingsForm(settings))).toEqual(settings);
    expect(toSettings({ ...toSettingsForm(settings), allHistory: false, windowDays: 365 }).rfm).toEqual({ windowDays: 365, buckets: 4 });
  });
});

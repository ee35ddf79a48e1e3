import type { SegmentationSettings, TierSchemeConfig } from './value-dashboard-types';

/** What the thresholds form edits: yuan per year (the API speaks fen). */
export interface TierSchemeFormValues {
  upperYuan: number;
  lowerYuan: number;
  inactiveDays: number;
  spendWindowDays: number;
}

export const toSchemeForm = (c: TierSchemeConfig): TierSchemeFormValues => ({
  upperYuan: c.upperFen / 100,
  lowerYuan: c.lowerFen / 100,
  inactiveDays: c.inactiveDays,
  spendWindowDays: c.spendWindowDays,
});

export const toSchemeConfig = (v: TierSchemeFormValues): TierSchemeConfig => ({
  upperFen: Math.round(v.upperYuan * 100),
  lowerFen: Math.round(v.lowerYuan * 100),
  inactiveDays: v.inactiveDays,
  spendWindowDays: v.spendWindowDays,
});

/** A server field (`body.upperFen`) → the form item showing it. */
export const schemeFieldName = (path: string): keyof TierSchemeFormValues | undefined => {
  const field = path.replace(/^body\./, '');
  if (field === 'upperFen') return 'upperYuan';
  if (field === 'lowerFen') return 'lowerYuan';
  if (field === 'inactiveDays' || field === 'spendWindowDays') return field;
  return undefined;
};

export interface SettingsFormValues {
  allHistory: boolean;
  windowDays: number | null;
  buckets: 4 | 5;
  newDays: number;
  activeDays: number;
  churnDays: number;
  wonBackGapDays: number;
  scheduleEnabled: boolean;
  cron: string;
}

export const toSettingsForm = (s: SegmentationSettings): SettingsFormValues => ({
  allHistory: s.rfm.windowDays === null,
  windowDays: s.rfm.windowDays ?? 730,
  buckets: s.rfm.buckets,
  ...s.lifecycle,
  scheduleEnabled: s.schedule.enabled,
  cron: s.schedule.cron,
});

export const toSettings = (v: SettingsFormValues): SegmentationSettings => ({
  rfm: { windowDays: v.allHistory ? null : v.windowDays, buckets: v.buckets },
  lifecycle: { newDays: v.newDays, activeDays: v.activeDays, churnDays: v.churnDays, wonBackGapDays: v.wonBackGapDays },
  schedule: { enabled: v.scheduleEnabled, cron: v.cron.trim() },
});

/** `body.lifecycle.churnDays` → `churnDays`, `body.rfm.windowDays` → `windowDays`, `body.schedule.cron` → `cron`. */
export const settingsFieldName = (path: string): keyof SettingsFormValues | undefined => {
  const leaf = path.split('.').pop() ?? '';
  const names: Record<string, keyof SettingsFormValues> = {
    windowDays: 'windowDays',
    buckets: 'buckets',
    newDays: 'newDays',
    activeDays: 'activeDays',
    churnDays: 'churnDays',
    wonBackGapDays: 'wonBackGapDays',
    enabled: 'scheduleEnabled',
    cron: 'cron',
  };
  return names[leaf];
};

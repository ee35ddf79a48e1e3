import type { TFunction } from 'i18next';
import { formatFen } from '../../format/money';
import type { ReasonDetail } from './value-dashboard-types';

/** "头部（战略）" / "Strategic (head)": tiers are named per scheme, since `potential` means different things. */
export const tierLabel = (t: TFunction, schemeId: string | null | undefined, tier: string | null | undefined): string => {
  if (!tier) return t('segmentation.noTier');
  const key = `segmentation.tiers.${schemeId ?? ''}.${tier}`;
  return t(key, { defaultValue: tier });
};

export const schemeLabel = (t: TFunction, schemeId: string): string => t(`segmentation.schemes.${schemeId}.name`, { defaultValue: schemeId });

/** Whole yuan without decimals: thresholds are set in yuan. */
const yuan = (fen: number) => formatFen(fen).replace(/\.00$/, '');

/** The reason behind a tier, in the reader's language (the stored English text is the fallback). */
export const reasonText = (t: TFunction, detail: ReasonDetail | Record<string, unknown> | null | undefined, fallback: string): string => {
  const d = detail as ReasonDetail | undefined;
  if (d?.rule === 'inactive') {
    return d.neverPurchased
      ? t('segmentation.reason.neverPurchased', { days: d.days, threshold: d.thresholdDays })
      : t('segmentation.reason.inactive', { days: d.days, threshold: d.thresholdDays });
  }
  if (d?.rule === 'spend') {
    const period = d.windowDays === 365 ? t('segmentation.reason.last12Months') : t('segmentation.reason.perYear', { days: d.windowDays });
    return t('segmentation.reason.spend', { period, spend: yuan(d.spendFen), op: d.op, threshold: yuan(d.thresholdFen) });
  }
  return fallback;
};

import type { TFunction } from 'i18next';
import { formatFen } from '../../format/money';
import { RULE_FIELDS, type RuleField } from './tags-api';

const fieldValue = (t: TFunction, field: string, value: unknown): string => {
  const meta = RULE_FIELDS[field as RuleField];
  const label = meta ? t(`tags.fields.${field}`) : field;
  if (value === null || value === undefined) return `${label}: —`;
  if (meta?.unit === 'fen' && typeof value === 'number') return `${label}: ${formatFen(value)}`;
  if (meta?.unit === 'days' && typeof value === 'number') return `${label}: ${t('tags.daysValue', { count: value })}`;
  return `${label}: ${String(value)}`;
};

/** Why a rule or behavioural tag holds: the values it tested, in words. */
export const describeEvidence = (t: TFunction, evidence: Record<string, unknown>): string | null => {
  const values = evidence.values;
  if (Array.isArray(values)) {
    return values.map((v: { field?: string; value?: unknown }) => fieldValue(t, String(v.field ?? ''), v.value)).join('；');
  }
  if (typeof evidence.category === 'string') {
    return t('tags.whyPreference', {
      category: evidence.category,
      count: Number(evidence.count),
      total: Number(evidence.total),
      days: Number(evidence.windowDays),
    });
  }
  if (typeof evidence.count === 'number') return t('tags.whyFrequency', { count: evidence.count, days: Number(evidence.windowDays) });
  return null;
};

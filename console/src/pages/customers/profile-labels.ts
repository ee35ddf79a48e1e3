import type { TFunction } from 'i18next';
import { GOLDEN_FIELDS } from '../../api/identity-types';

/** `display_name` → "Name"; `attr:city` → "city"; anything else as sent. */
export const goldenFieldLabel = (t: TFunction, field: string): string => {
  if ((GOLDEN_FIELDS as readonly string[]).includes(field)) return t(`profile.fields.${field}`);
  return field.startsWith('attr:') ? field.slice('attr:'.length) : field;
};

export const survivorshipLabel = (t: TFunction, rule: string): string => t(`identity.survivorship.${rule}`, { defaultValue: rule });

export const timelineKindLabel = (t: TFunction, kind: string): string => t(`profile.kinds.${kind}`, { defaultValue: kind });

export const mergeRuleLabel = (t: TFunction, rule: string): string => t(`profile.mergeRules.${rule}`, { defaultValue: rule });

/** Attribute values travel as JSON text (`"北京"`, `42`); strings are shown without their quotes. */
export const goldenValueText = (field: string, value: string): string => {
  if (!field.startsWith('attr:')) return value;
  try {
    const parsed: unknown = JSON.parse(value);
    return typeof parsed === 'string' ? parsed : value;
  } catch {
    return value;
  }
};

import type { IdentityRules, IdentityType, SurvivorshipRule } from '../../api/identity-types';

export interface SurvivorshipOverride {
  field: string;
  rule: SurvivorshipRule;
}

/** The rules as the form edits them: per-field overrides are rows that can be added and removed. */
export interface IdentityRulesFormValues {
  priorities: Record<IdentityType, number>;
  maxPerCustomer: Record<IdentityType, number>;
  quarantineAfterCustomers: number;
  phoneRegion: string;
  survivorshipDefault: SurvivorshipRule;
  overrides: SurvivorshipOverride[];
}

export const toFormValues = (rules: IdentityRules): IdentityRulesFormValues => ({
  priorities: { ...rules.priorities },
  maxPerCustomer: { ...rules.maxPerCustomer },
  quarantineAfterCustomers: rules.quarantineAfterCustomers,
  phoneRegion: rules.phoneRegion,
  survivorshipDefault: rules.survivorship.default,
  overrides: Object.entries(rules.survivorship.fields).map(([field, rule]) => ({ field, rule })),
});

export const toRules = (values: IdentityRulesFormValues): IdentityRules => ({
  priorities: { ...values.priorities },
  maxPerCustomer: { ...values.maxPerCustomer },
  quarantineAfterCustomers: values.quarantineAfterCustomers,
  phoneRegion: values.phoneRegion,
  survivorship: {
    default: values.survivorshipDefault,
    fields: Object.fromEntries((values.overrides ?? []).filter((row) => row.field?.trim()).map((row) => [row.field.trim(), row.rule])),
  },
});

/** Regions offered for phone numbers written without a country code. */
export const PHONE_REGIONS = ['CN', 'HK', 'MO', 'TW', 'SG', 'MY', 'JP', 'KR', 'US', 'GB', 'AU', 'CA'] as const;

/** Field names suggested for survivorship overrides (attributes are `attr:<key>`); any other name may be typed. */
export const SUGGESTED_FIELDS = ['display_name', 'phone', 'email', 'member_no', 'attr:birthday', 'attr:gender', 'attr:city'] as const;

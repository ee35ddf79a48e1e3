import { describe, expect, it } from 'vitest';
import { GOLDEN_FIELDS, IDENTITY_TYPES, MERGE_RULES, SURVIVORSHIP_RULES, TIMELINE_KINDS } from '../api/identity-types';
import {
  ACTOR_TYPES,
  AUDIT_PROBLEM_KINDS,
  IDENTIFIER_TYPES,
  KNOWN_AUDIT_ACTIONS,
  KNOWN_ERROR_CODES,
  ORDER_STATUSES,
  PERMISSIONS,
  ROLES,
  USER_STATUSES,
} from '../api/types';
import { LIFECYCLE_STAGES, PRESET_TIERS, RUN_TRIGGERS, SCHEME_PRESETS } from '../pages/intelligence/value-dashboard-types';
import { emptyValues, findUsedKeys, flattenLocale, missingFrom, placeholders } from './locale-keys';
import en from './locales/en.json';
import zhCN from './locales/zh-CN.json';

const locales = { 'zh-CN': flattenLocale(zhCN), en: flattenLocale(en) };

// Every source file of the console except tests (whose fixtures are not real keys).
const sources = import.meta.glob<string>(['../**/*.{ts,tsx}', '!../**/*.test.{ts,tsx}'], {
  query: '?raw',
  import: 'default',
  eager: true,
});

const usedKeys = (): Map<string, string[]> => {
  const where = new Map<string, string[]>();
  for (const [file, text] of Object.entries(sources)) {
    for (const key of findUsedKeys(text)) where.set(key, [...(where.get(key) ?? []), file]);
  }
  return where;
};

// Values the console translates with a computed key, e.g. t(`roles.${role}`).
const dynamicKeys = [
  ...ROLES.map((v) => `roles.${v}`),
  ...PERMISSIONS.map((v) => `permissions.${v}`),
  ...ORDER_STATUSES.map((v) => `orderStatus.${v}`),
  ...ACTOR_TYPES.map((v) => `actorTypes.${v}`),
  ...USER_STATUSES.map((v) => `userStatus.${v}`),
  ...AUDIT_PROBLEM_KINDS.map((v) => `auditProblems.${v}`),
  ...KNOWN_AUDIT_ACTIONS.map((v) => `auditActions.${v}`),
  ...IDENTIFIER_TYPES.map((v) => `identifierTypes.${v}`),
  ...KNOWN_ERROR_CODES.map((v) => `errors.${v}`),
  ...IDENTITY_TYPES.map((v) => `identity.types.${v}`),
  ...SURVIVORSHIP_RULES.map((v) => `identity.survivorship.${v}`),
  ...TIMELINE_KINDS.map((v) => `profile.kinds.${v}`),
  ...MERGE_RULES.map((v) => `profile.mergeRules.${v}`),
  ...GOLDEN_FIELDS.map((v) => `profile.fields.${v}`),
  ...LIFECYCLE_STAGES.map((v) => `segmentation.stages.${v}`),
  ...RUN_TRIGGERS.map((v) => `segmentation.triggers.${v}`),
  ...SCHEME_PRESETS.flatMap((p) => [
    ...['name', 'description', 'upper', 'lower'].map((k) => `segmentation.schemes.${p}.${k}`),
    ...PRESET_TIERS[p].flatMap((tier) => [`segmentation.tiers.${p}.${tier}`, `segmentation.schemes.${p}.rules.${tier}`]),
  ]),
];

describe('locale helpers', () => {
  it('finds literal keys and ignores look-alikes', () => {
    const text = `t('a.b'); i18n.t("c:d"); <Trans i18nKey="e.f" />; x.split('.'); format('g'); t(\`h.\${x}\`)`;
    expect(findUsedKeys(text).sort()).toEqual(['a.b', 'c:d', 'e.f']);
  });

  it('reports missing and empty keys', () => {
    const leaves = flattenLocale({ a: { b: 'x', c: '' }, d: ' ' });
    expect([...leaves.keys()]).toEqual(['a.b', 'a.c', 'd']);
    expect(missingFrom(['a.b', 'a.z'], leaves)).toEqual(['a.z']);
    expect(emptyValues(leaves)).toEqual(['a.c', 'd']);
  });
});

describe('locale files', () => {
  it('have exactly the same keys', () => {
    expect(missingFrom(locales['zh-CN'].keys(), locales.en), 'keys missing from en.json').toEqual([]);
    expect(missingFrom(locales.en.keys(), locales['zh-CN']), 'keys missing from zh-CN.json').toEqual([]);
  });

  it('have no empty values', () => {
    expect(emptyValues(locales['zh-CN']), 'empty values in zh-CN.json').toEqual([]);
    expect(emptyValues(locales.en), 'empty values in en.json').toEqual([]);
  });

  it('use the same {{placeholders}} in both languages', () => {
    const mismatched = [...locales.en]
      .filter(([key, value]) => {
        const other = locales['zh-CN'].get(key);
        return typeof value === 'string' && typeof other === 'string' && placeholders(value).join() !== placeholders(other).join();
      })
      .map(([key]) => key);
    expect(mismatched, 'placeholders differ between zh-CN and en').toEqual([]);
  });

  it('translate every literal key used in the source', () => {
    const used = usedKeys();
    expect(Object.keys(sources).length, 'no source files were scanned').toBeGreaterThan(10);
    expect(used.size, 'no t() calls were found').toBeGreaterThan(50);
    for (const [name, leaves] of Object.entries(locales)) {
      const missing = missingFrom(used.keys(), leaves).map((key) => `${key} (${used.get(key)?.join(', ')})`);
      expect(missing, `keys used in the source but missing from ${name}`).toEqual([]);
    }
  });

  it('translate every role, permission, status, actor type and known error code', () => {
    for (const [name, leaves] of Object.entries(locales)) {
      expect(missingFrom(dynamicKeys, leaves), `computed keys missing from ${name}`).toEqual([]);
    }
  });
});

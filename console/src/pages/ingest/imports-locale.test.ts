import { describe, expect, it } from 'vitest';
import { flattenLocale, missingFrom } from '../../i18n/locale-keys';
import en from '../../i18n/locales/en.json';
import zhCN from '../../i18n/locales/zh-CN.json';
import { missingRequired } from './import-mapping-step';
import { IMPORT_FIELDS, IMPORT_KINDS, IMPORT_STATUSES } from './imports-api';

// Keys the import page builds at run time, e.g. t(`imports.fields.${field}`).
const computed = [
  ...IMPORT_KINDS.flatMap((k) => [`imports.kinds.${k}`, `imports.kindHelp.${k}`]),
  ...IMPORT_FIELDS.map((f) => `imports.fields.${f}`),
  ...IMPORT_STATUSES.map((s) => `imports.status.${s}`),
];

describe('the import page', () => {
  it('translates every kind, field and status in both languages', () => {
    for (const [name, locale] of Object.entries({ 'zh-CN': zhCN, en })) expect(missingFrom(computed, flattenLocale(locale)), name).toEqual([]);
  });

  it('tells which required fields the mapping leaves out', () => {
    const required = ['external_id', ['phone', 'email'], 'placed_at'];
    expect(missingRequired(required, { 订单号: 'external_id', 邮箱: 'email' })).toEqual(['placed_at']);
    expect(missingRequired(required, { a: 'external_id', b: 'phone', c: 'placed_at', d: 'ignore' })).toEqual([]);
  });
});

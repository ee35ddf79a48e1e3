import { describe, expect, it } from 'vitest';
import { INTERRUPTED, parseImportFailure, stoppedText } from '../../../../src/modules/ingest/import/import-failure.shared';
import { flattenLocale, missingFrom } from '../../i18n/locale-keys';
import en from '../../i18n/locales/en.json';
import zhCN from '../../i18n/locales/zh-CN.json';
import { AUTO, DATE_ORDERS, readDateAs, sampleDate } from './date-order';
import { missingRequired } from './import-mapping-step';
import { IMPORT_FIELDS, IMPORT_KINDS, IMPORT_STATUSES } from './imports-api';

// Keys the import page builds at run time, e.g. t(`imports.fields.${field}`).
const computed = [
  ...IMPORT_KINDS.flatMap((k) => [`imports.kinds.${k}`, `imports.kindHelp.${k}`]),
  ...IMPORT_FIELDS.map((f) => `imports.fields.${f}`),
  ...IMPORT_STATUSES.map((s) => `imports.status.${s}`),
  ...[AUTO, ...DATE_ORDERS].map((o) => `imports.dateOrders.${o}`),
];

describe('the import page', () => {
  it('translates every kind, field and status in both languages', () => {
    for (const [name, locale] of Object.entries({ 'zh-CN': zhCN, en })) expect(missingFrom(computed, flattenLocale(locale)), name).toEqual([]);
  });

  it("reads back why an import failed, as the server writes it, and never shows an error's message", () => {
    expect(parseImportFailure(INTERRUPTED)).toEqual({ kind: 'interrupted' });
    expect(parseImportFailure(stoppedText('23505'))).toEqual({ kind: 'stopped', code: '23505' });
    expect(parseImportFailure(stoppedText('ingest.invalid_file'))).toEqual({ kind: 'stopped', code: 'ingest.invalid_file' });
    // A code that is not a code (a message passed by mistake) is written as internal, not quoted.
    expect(stoppedText('duplicate key (phone)=(+8613800138000)')).not.toContain('138');
    expect(parseImportFailure(stoppedText('duplicate key (phone)=(+8613800138000)'))).toEqual({ kind: 'stopped', code: 'internal' });
    expect(parseImportFailure('something else')).toBeUndefined();
  });

  it('tells which required fields the mapping leaves out', () => {
    const required = ['external_id', ['phone', 'email'], 'placed_at'];
    expect(missingRequired(required, { 订单号: 'external_id', 邮箱: 'email' })).toEqual(['placed_at']);
    expect(missingRequired(required, { a: 'external_id', b: 'phone', c: 'placed_at', d: 'ignore' })).toEqual([]);
  });

  it('explains the date order with a date from the file, read as the server reads it', () => {
    expect(readDateAs('01/02/2024 10:00', 'dmy')).toBe('2024-02-01');
    expect(readDateAs('01/02/2024 10:00', 'mdy')).toBe('2024-01-02');
    expect(readDateAs('01/02/2024', AUTO)).toBe('2024-01-02');
    expect(readDateAs('31/12/2025', AUTO)).toBe('2025-12-31');
    expect(readDateAs('01.02.2024', AUTO)).toBe('2024-02-01');
    expect(readDateAs('01.02.2024', 'mdy')).toBe('2024-01-02');
    expect(readDateAs('2024/02/01', 'mdy')).toBe('2024-02-01');
    expect(readDateAs('yesterday', 'dmy')).toBeUndefined();
    const columns = ['单号', '下单时间'];
    const sample = [
      ['A1', '2024/03/05 09:00'],
      ['A2', '13/03/2024 10:00'],
      ['A3', '04/03/2024 11:00'],
    ];
    // The first date whose reading depends on the order, from the column mapped to a date field.
    expect(sampleDate(columns, sample, { 单号: 'external_id', 下单时间: 'placed_at' })).toBe('04/03/2024 11:00');
    expect(sampleDate(columns, sample, { 单号: 'external_id' })).toBeUndefined();
  });
});

import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import en from '../../i18n/locales/en.json';
import zh from '../../i18n/locales/zh-CN.json';
import { customerNameLabel } from './customer-name';

const translator = async (lng: string, resources: object) => {
  const i18n = i18next.createInstance();
  await i18n.init({ lng, resources: { [lng]: { translation: resources } }, interpolation: { escapeValue: false } });
  return i18n.t;
};

describe('customerNameLabel', () => {
  it('names anonymous-only customers "Anonymous visitor · <short id>" in both languages, and keeps real names', async () => {
    const tEn = await translator('en', en);
    const tZh = await translator('zh-CN', zh);
    const anon = { id: 'cus_01JB8ZQ4W3X9K2ABC123', displayName: '' };
    expect(customerNameLabel(tEn, anon)).toEqual({ text: 'Anonymous visitor · ABC123', anonymous: true });
    expect(customerNameLabel(tZh, anon)).toEqual({ text: '匿名访客 · ABC123', anonymous: true });
    expect(customerNameLabel(tEn, { ...anon, displayName: '  ' }).anonymous).toBe(true);
    expect(customerNameLabel(tZh, { ...anon, displayName: '王小明' })).toEqual({ text: '王小明', anonymous: false });
  });
});

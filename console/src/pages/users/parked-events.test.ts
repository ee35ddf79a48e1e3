import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import { flattenLocale, missingFrom } from '../../i18n/locale-keys';
import en from '../../i18n/locales/en.json';
import zh from '../../i18n/locales/zh-CN.json';
import { consumerLabel, errorPreview, KNOWN_CONSUMERS, KNOWN_TOPICS, topicLabel } from './parked-events';

const translator = async (lng: string, resources: object) => {
  const i18n = i18next.createInstance();
  await i18n.init({ lng, resources: { [lng]: { translation: resources } }, interpolation: { escapeValue: false } });
  return i18n.t;
};

describe('parked events section', () => {
  it('names known consumers and event types in both languages, with the raw name beside; unknown ones stay raw', async () => {
    const tEn = await translator('en', en);
    const tZh = await translator('zh-CN', zh);
    expect(consumerLabel(tEn, 'loyalty.merge')).toBe('Loyalty merges (loyalty.merge)');
    expect(consumerLabel(tZh, 'tags')).toBe('标签（tags）');
    expect(topicLabel(tEn, 'customer.unmerged')).toBe('Merge undone (customer.unmerged)');
    expect(topicLabel(tZh, 'customer.merged')).toBe('客户合并（customer.merged）');
    expect(consumerLabel(tEn, 'journeys.enrol')).toBe('journeys.enrol');
    expect(topicLabel(tZh, 'order.placed')).toBe('order.placed');
  });

  it('translates every known consumer and event type', () => {
    const keys = [...KNOWN_CONSUMERS.map((c) => `parkedEvents.consumers.${c}`), ...KNOWN_TOPICS.map((topic) => `parkedEvents.topics.${topic}`)];
    for (const [name, locale] of Object.entries({ 'zh-CN': zh, en })) expect(missingFrom(keys, flattenLocale(locale)), name).toEqual([]);
  });

  it('shows the first line of a long error, cut to fit a cell', () => {
    expect(errorPreview('cannot handle item 1')).toBe('cannot handle item 1');
    expect(errorPreview('[23505] duplicate key\n  at insert (x.ts:1)')).toBe('[23505] duplicate key');
    const long = errorPreview('x'.repeat(500));
    expect(long).toHaveLength(120);
    expect(long.endsWith('…')).toBe(true);
  });
});

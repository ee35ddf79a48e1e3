import { describe, expect, it } from 'vitest';
import { flattenLocale, missingFrom } from '../../i18n/locale-keys';
import en from '../../i18n/locales/en.json';
import zhCN from '../../i18n/locales/zh-CN.json';
import { SERVING_MODES, SERVING_REASONS } from './recommendations-api';
import { namePath, OPERATORS, RULE_FIELD_KEYS, TAG_ACTOR_TYPES, TAG_COLOURS, TAG_KINDS } from './tags-api';

// Keys the tag and recommendation pages build at run time, e.g. t(`tags.fields.${field}`).
const computed = [
  ...RULE_FIELD_KEYS.map((f) => `tags.fields.${f}`),
  ...OPERATORS.map((o) => `tags.ops.${o}`),
  ...TAG_KINDS.map((k) => `tags.kinds.${k}`),
  ...TAG_COLOURS.map((c) => `tags.colours.${c}`),
  ...TAG_ACTOR_TYPES.map((a) => `tags.actorTypes.${a}`),
  ...['add', 'remove'].map((a) => `tags.actions.${a}`),
  ...['all', 'events', 'orders'].map((s) => `tags.sources.${s}`),
  ...SERVING_MODES.map((m) => `recommendations.modes.${m}`),
  ...SERVING_REASONS.map((r) => `recommendations.reasons.${r}`),
];

describe('tag and recommendation pages', () => {
  it('translate every field, operator, kind, colour and serving mode in both languages', () => {
    for (const [name, locale] of Object.entries({ 'zh-CN': zhCN, en })) expect(missingFrom(computed, flattenLocale(locale)), name).toEqual([]);
  });

  it('map a server field path onto the form item', () => {
    expect(namePath('rule.conditions[1].value')).toEqual(['rule', 'conditions', 1, 'value']);
    expect(namePath('body.colour')).toEqual(['colour']);
  });
});

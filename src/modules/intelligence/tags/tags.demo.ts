import { sql } from 'kysely';
import type { Clock } from '../../../platform/clock.ts';
import type { Db } from '../../../platform/db.ts';
import { type Actor, systemActor } from '../../auth/index.ts';
import { evaluateAllTags, type TagEvaluationResult } from './evaluate-tags.ts';
import { createTag, type TagInput } from './save-tag.ts';

/** Preset tags a new company starts with: examples of each kind, in the shop's own language. */
export const PRESET_TAGS: readonly TagInput[] = [
  {
    name: '高价值客户',
    description: '累计消费满 ¥5,000 且至少下过 5 单',
    colour: 'gold',
    kind: 'rule',
    rule: {
      match: 'all',
      conditions: [
        { field: 'stats.total_spent_fen', op: '>=', value: 500_000 },
        { field: 'stats.order_count', op: '>=', value: 5 },
      ],
    },
  },
  {
    name: '沉睡客户',
    description: '买过东西，但已超过 180 天没有下单',
    colour: 'volcano',
    kind: 'rule',
    rule: {
      match: 'all',
      conditions: [
        { field: 'stats.order_count', op: '>=', value: 1 },
        { field: 'stats.days_since_last_order', op: '>', value: 180 },
      ],
    },
  },
  {
    name: '一线城市',
    description: '常住北京、上海、广州或深圳',
    colour: 'geekblue',
    kind: 'rule',
    rule: { match: 'all', conditions: [{ field: 'customer.attribute', key: 'city', op: 'in', value: ['北京', '上海', '广州', '深圳'] }] },
  },
  {
    name: '头部客户',
    description: '年度分层为头部（年消费超过 ¥10,000）',
    colour: 'red',
    kind: 'rule',
    rule: { match: 'all', conditions: [{ field: 'tier.current', op: '=', value: 'strategic' }] },
  },
  {
    name: 'RFM 重要价值',
    description: '最近买过、买得多、花得多：R、F、M 评分都在前两档',
    colour: 'orange',
    kind: 'rule',
    rule: {
      match: 'all',
      conditions: [
        { field: 'rfm.r', op: '<=', value: 2 },
        { field: 'rfm.f', op: '<=', value: 2 },
        { field: 'rfm.m', op: '<=', value: 2 },
      ],
    },
  },
  {
    name: '本月活跃',
    description: '最近 30 天有互动（行为事件或订单）',
    colour: 'green',
    kind: 'behavioural',
    behaviour: { type: 'frequency', source: 'all', windowDays: 30, minCount: 1 },
  },
  {
    name: '高频复购',
    description: '最近 90 天下单至少 3 次',
    colour: 'cyan',
    kind: 'behavioural',
    behaviour: { type: 'frequency', source: 'orders', windowDays: 90, minCount: 3 },
  },
  {
    name: '偏好美妆',
    description: '最近一年买得最多的品类是美妆（BT）',
    colour: 'magenta',
    kind: 'behavioural',
    behaviour: { type: 'preference', source: 'orders', category: 'BT', windowDays: 365, minCount: 2 },
  },
  { name: 'VIP 关怀', description: '客服或运营手动标记、需要重点关怀的客户', colour: 'purple', kind: 'manual' },
];

/** Creates the preset tags that do not exist yet (by name) and evaluates every rule and behavioural tag. */
export const ensurePresetTags = async (db: Db, clock: Clock, actor: Actor = systemActor('demo')): Promise<TagEvaluationResult[]> => {
  for (const preset of PRESET_TAGS) {
    const exists = await db.selectFrom('tag_definition').select('id').where(sql`lower(name)`, '=', preset.name.toLowerCase()).executeTakeFirst();
    if (!exists) await db.transaction().execute((trx) => createTag(trx, clock, actor, preset));
  }
  return evaluateAllTags(db, clock, actor);
};

import { sql } from 'kysely';
import type { Clock } from '../../../platform/clock.ts';
import type { Db } from '../../../platform/db.ts';
import { type Actor, systemActor } from '../../auth/index.ts';
import { evaluateAllTags, type TagEvaluationResult } from './evaluate-tags.ts';
import { createTag, type TagInput } from './save-tag.ts';

type Definition = Pick<TagInput, 'kind' | 'rule' | 'behaviour'>;
/** A condition as `[field, op, value]`, or `[field, op, value, key]` for fields that name a key. */
type ConditionRow = [field: string, op: string, value: unknown, key?: string];

const allOf = (...rows: ConditionRow[]): Definition => ({
  kind: 'rule',
  rule: { match: 'all', conditions: rows.map(([field, op, value, key]) => ({ field, ...(key ? { key } : {}), op, value })) },
});
const behaviour = (b: Record<string, unknown>): Definition => ({ kind: 'behavioural', behaviour: b });
const manual: Definition = { kind: 'manual' };

const PRESETS: [name: string, description: string, colour: string, definition: Definition][] = [
  ['高价值客户', '累计消费满 ¥5,000 且至少下过 5 单', 'gold', allOf(['stats.total_spent_fen', '>=', 500_000], ['stats.order_count', '>=', 5])],
  ['沉睡客户', '买过东西，但已超过 180 天没有下单', 'volcano', allOf(['stats.order_count', '>=', 1], ['stats.days_since_last_order', '>', 180])],
  ['一线城市', '常住北京、上海、广州或深圳', 'geekblue', allOf(['customer.attribute', 'in', ['北京', '上海', '广州', '深圳'], 'city'])],
  ['头部客户', '年度分层为头部（年消费超过 ¥10,000）', 'red', allOf(['tier.current', '=', 'strategic'])],
  ['RFM 重要价值', '最近买过、买得多、花得多：R、F、M 评分都在前两档', 'orange', allOf(['rfm.r', '<=', 2], ['rfm.f', '<=', 2], ['rfm.m', '<=', 2])],
  ['本月活跃', '最近 30 天有互动（行为事件或订单）', 'green', behaviour({ type: 'frequency', source: 'all', windowDays: 30, minCount: 1 })],
  ['高频复购', '最近 90 天下单至少 3 次', 'cyan', behaviour({ type: 'frequency', source: 'orders', windowDays: 90, minCount: 3 })],
  [
    '偏好美妆',
    '最近一年买得最多的品类是美妆（BT）',
    'magenta',
    behaviour({ type: 'preference', source: 'orders', category: 'BT', windowDays: 365, minCount: 2 }),
  ],
  ['VIP 关怀', '客服或运营手动标记、需要重点关怀的客户', 'purple', manual],
];

/** Preset tags a new company starts with: examples of each kind, in the shop's own language. */
export const PRESET_TAGS: readonly TagInput[] = PRESETS.map(([name, description, colour, definition]) => ({ name, description, colour, ...definition }));

/** Creates the preset tags that do not exist yet (by name) and evaluates every rule and behavioural tag. */
export const ensurePresetTags = async (db: Db, clock: Clock, actor: Actor = systemActor('demo')): Promise<TagEvaluationResult[]> => {
  for (const preset of PRESET_TAGS) {
    const exists = await db.selectFrom('tag_definition').select('id').where(sql`lower(name)`, '=', preset.name.toLowerCase()).executeTakeFirst();
    if (!exists) await db.transaction().execute((trx) => createTag(trx, clock, actor, preset));
  }
  return evaluateAllTags(db, clock, actor);
};

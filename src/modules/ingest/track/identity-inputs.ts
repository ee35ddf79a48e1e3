import { type Identifier, type IdentifierType, normalizeIdentifier, type ResolveInput } from '../../identity/index.ts';
import type { FieldIssue, TrackedMessage } from './tracked-message.ts';

/** Trait keys that are identifiers, in the spellings SDK users write them. */
const IDENTIFIER_TRAITS: readonly (readonly [IdentifierType, readonly string[]])[] = [
  ['email', ['email']],
  ['phone', ['phone']],
  ['member_no', ['memberNo', 'member_no', 'member_number']],
  ['wechat_unionid', ['wechat_unionid', 'unionid']],
  ['wechat_openid', ['wechat_openid', 'openid']],
];
const IDENTIFIER_KEYS = new Set(IDENTIFIER_TRAITS.flatMap(([, keys]) => keys));
const NAME_KEYS = new Set(['name', 'firstName', 'lastName', 'first_name', 'last_name']);
const CJK = /^[\u3400-\u9fff]/;

const nameText = (v: unknown): string => (typeof v === 'string' ? v.trim() : '');

/** `name`, else first + last name (family name first, without a space, for Chinese names). */
const displayName = (traits: Record<string, unknown>): string | undefined => {
  const name = nameText(traits.name);
  if (name) return name.slice(0, 200);
  const first = nameText(traits.firstName ?? traits.first_name);
  const last = nameText(traits.lastName ?? traits.last_name);
  if (!first && !last) return undefined;
  const full = CJK.test(last) || CJK.test(first) ? `${last}${first}` : [first, last].filter(Boolean).join(' ');
  return full.slice(0, 200);
};

export type IdentityPlan = {
  inputs: ResolveInput[];
  /** For each message, the index of its input. */
  inputOf: number[];
  /** Identifier values in traits that could not be used (the event is stored all the same). */
  rejected: FieldIssue[];
};

/**
 * The identity-resolution inputs of a set of messages: identifiers from userId (`user_id`), anonymousId and
 * linked ids (`anonymous_id`), and identifier traits (email, phone, member number, WeChat ids); golden-record
 * traits from the person's traits (`name` → display_name, others → `attr:<key>` as JSON). Messages that carry
 * no traits and the same identifiers share one input, so a batch of one visitor's page views is one lookup.
 */
export const planIdentity = (messages: TrackedMessage[], options: { sourceId: string; phoneRegion: string }): IdentityPlan => {
  const inputs: ResolveInput[] = [];
  const inputOf: number[] = [];
  const rejected: FieldIssue[] = [];
  const shared = new Map<string, number>();

  for (const m of messages) {
    const identifiers: Identifier[] = [];
    const add = (type: IdentifierType, raw: unknown, path: string) => {
      const n = normalizeIdentifier(type, raw, options.phoneRegion);
      if (n.ok) {
        if (!identifiers.some((i) => i.type === n.identifier.type && i.value === n.identifier.value)) identifiers.push(n.identifier);
      } else if (n.reason !== 'missing' && n.reason !== 'empty') {
        rejected.push({ path, message: `${type} dropped: ${n.reason}`, type: m.type, name: m.name });
      }
    };
    if (m.userId) add('user_id', m.userId, `${m.path}.userId`);
    if (m.anonymousId) add('anonymous_id', m.anonymousId, `${m.path}.anonymousId`);
    for (const l of m.linkedIds) add('anonymous_id', l.id, l.path);

    const traits: Record<string, string> = {};
    for (const group of m.personTraits) {
      for (const [type, keys] of IDENTIFIER_TRAITS) {
        for (const k of keys) if (k in group.traits) add(type, group.traits[k], `${group.path}.${k}`);
      }
      const name = displayName(group.traits);
      if (name) traits.display_name = name;
      for (const [k, v] of Object.entries(group.traits)) {
        if (v === null || v === undefined || IDENTIFIER_KEYS.has(k) || NAME_KEYS.has(k) || k.startsWith('$')) continue;
        traits[`attr:${k}`] = JSON.stringify(v);
      }
    }

    const hasTraits = Object.keys(traits).length > 0;
    const key = hasTraits ? undefined : identifiers.map((i) => `${i.type}\u0000${i.value}`).join('\u0001');
    const existing = key === undefined ? undefined : shared.get(key);
    if (existing !== undefined) {
      const input = inputs[existing] as ResolveInput;
      if (m.occurredAt > input.observedAt) input.observedAt = m.occurredAt;
      inputOf.push(existing);
      continue;
    }
    inputs.push({ source: options.sourceId, identifiers, traits, observedAt: m.occurredAt });
    inputOf.push(inputs.length - 1);
    if (key !== undefined) shared.set(key, inputs.length - 1);
  }
  return { inputs, inputOf, rejected };
};

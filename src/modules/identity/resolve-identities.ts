import { sql } from 'kysely';
import type { Clock } from '../../platform/clock.ts';
import type { Trx } from '../../platform/db.ts';
import { newId } from '../../platform/ids.ts';
import { publish } from '../../platform/outbox.ts';
import {
  attachIdentifiers,
  clusterIdentifiers,
  findIdentifierOwners,
  insertCustomerRecords,
  type NewCustomerRecord,
  recordTraits,
  refreshCustomerStats,
  refreshGoldenRecords,
  repointRoot,
  type TraitObservation,
} from '../customers/index.ts';
import { identifierLockBudget, lockAllIdentifiers, lockIdentifiers } from './identifier-locks.ts';
import type { IdentifierType, IdentityRules } from './identity-rules.ts';
import type { Identifier } from './normalize-identifier.ts';

export type ResolveInput = {
  source: string;
  /** Already normalised (normalizeIdentifier). */
  identifiers: Identifier[];
  /** Golden-record candidates: display_name, phone, email, member_no as text; `attr:<key>` as JSON text. */
  traits: Record<string, string>;
  observedAt: Date;
};

export type Resolution = {
  /** The customer (root) this input belongs to now. */
  customerId: string;
  /** The record that holds the input's best identifier (or was created for it). */
  recordId: string;
  created: boolean;
};

type MergePlan = { winner: string; loser: string; linkedBy: string[] };

const COLUMN_IDENTIFIERS = new Set<string>(['phone', 'email', 'member_no']);

const key = (i: Identifier) => `${i.type}\u0000${i.value}`;

/**
 * Resolves a batch of identifier sets to customers, creating, linking and merging as the rules allow.
 *
 * Inputs whose identifiers are all known and point at one customer take the fast path (no locks).
 * The others lock their identifiers (`lockIdentifiers`: one advisory lock each, taken in one sorted
 * statement so concurrent batches cannot deadlock, or one lock on all of them for a very large batch),
 * read the graph again, and are planned one by one in memory so that later
 * inputs see what earlier ones created; then everything is written set-based.
 *
 * Rules: an input matching several customers merges them unless the merge would give one customer two
 * values of a type limited to one (two member numbers); then it goes to the customer matched by the
 * highest-priority identifier. Limits per type stop further values from linking. An identifier
 * claimed by more customers than `quarantineAfterCustomers` is quarantined and links no one.
 */
export const resolveIdentities = async (
  trx: Trx,
  clock: Clock,
  rules: IdentityRules,
  inputs: ResolveInput[],
  actorLabel = 'identity',
  options: {
    /**
     * Most inputs are new (an import of customers not imported before): a batch with more identifiers than
     * the lock budget then locks all identifiers first and reads the graph once, not twice.
     */
    mostlyNew?: boolean;
  } = {},
): Promise<{ resolutions: Resolution[]; merges: MergePlan[] }> => {
  const now = clock.now();
  const allKeys = dedupe(inputs.flatMap((i) => i.identifiers));
  const quarantined = await loadQuarantined(trx, allKeys);
  const usable = (i: Identifier) => !quarantined.has(key(i));

  const lockedAll = options.mostlyNew === true && allKeys.length > (await identifierLockBudget(trx));
  if (lockedAll) await lockAllIdentifiers(trx);
  let owners = groupOwners(await findIdentifierOwners(trx, allKeys.filter(usable)));
  const needsWrite = inputs.map((input) => {
    const ids = input.identifiers.filter(usable);
    const roots = new Set(ids.flatMap((i) => owners.get(key(i))?.map((o) => o.rootId) ?? []));
    return ids.length === 0 || roots.size !== 1 || ids.some((i) => !owners.has(key(i)));
  });

  const writeKeys = dedupe(inputs.filter((_, n) => needsWrite[n]).flatMap((i) => i.identifiers.filter(usable)));
  if (writeKeys.length > 0 && !lockedAll) {
    await lockIdentifiers(trx, writeKeys);
    // Read again under the locks: a concurrent batch may have created or merged what we need.
    owners = groupOwners(await findIdentifierOwners(trx, allKeys.filter(usable)));
  }

  // Identifier sets of the clusters that may link or merge, to check limits first: those of inputs that
  // write, or that now match several customers. An input whose identifiers all belong to one cluster
  // links nothing and is compatible with it (the cluster holds each of its values), so a batch of known
  // visitors reads no cluster.
  const roots = new Set<string>();
  inputs.forEach((input, n) => {
    const matched = new Set(input.identifiers.flatMap((i) => (usable(i) ? (owners.get(key(i)) ?? []).map((o) => o.rootId) : [])));
    if (needsWrite[n] || matched.size > 1) for (const r of matched) roots.add(r);
  });
  const held = new Map<string, Map<IdentifierType, Set<string>>>();
  for (const r of await clusterIdentifiers(trx, [...roots])) addHeld(held, r.rootId, r.type as IdentifierType, r.value);

  const alias = new Map<string, string>(); // loser root → winner root, within this batch
  const find = (r: string): string => {
    let x = r;
    while (alias.has(x)) x = alias.get(x) as string;
    return x;
  };
  const newRecords: NewCustomerRecord[] = [];
  // Records created here and what their one input observed: their golden record is known at creation unless
  // a later input of the batch also lands on them, or a merge of the batch involves them (then `undefined`).
  const fresh = new Map<string, Record<string, string> | undefined>();
  const attach: { customerId: string; type: string; value: string; source: string; at: Date }[] = [];
  const merges: MergePlan[] = [];
  const newQuarantine = new Map<string, { type: string; value: string; customers: number }>();
  const touchedRoots = new Set<string>();
  const traits: TraitObservation[] = [];
  const resolutions: Resolution[] = [];

  const single = (type: IdentifierType) => rules.maxPerCustomer[type] === 1;
  // A cluster can take this input only if it holds no other value of the input's single-valued types.
  const compatible = (root: string, ids: Identifier[]) =>
    ids.every((i) => {
      const have = held.get(root)?.get(i.type);
      return !single(i.type) || !have || have.size === 0 || have.has(i.value);
    });

  inputs.forEach((input, n) => {
    const ids = input.identifiers.filter((i) => usable(i) && !newQuarantine.has(key(i)));
    const matched = ids
      .flatMap((i) => (owners.get(key(i)) ?? []).map((o) => ({ ...o, root: find(o.rootId), priority: rules.priorities[i.type] ?? 0 })))
      .sort((a, b) => b.priority - a.priority || (a.root < b.root ? -1 : 1));
    const candidates = [...new Set(matched.map((m) => m.root))].filter((r) => compatible(r, ids));
    let root: string;
    let record: string;
    let created = false;

    if (candidates.length === 0) {
      root = newId('cus', now);
      record = root;
      created = true;
      newRecords.push({ id: root, displayName: input.traits.display_name ?? '', source: input.source, createdAt: now });
    } else {
      root = candidates[0] as string;
      record = matched.find((m) => m.root === root)?.customerId ?? root;
      for (const other of candidates.slice(1)) {
        if (conflicts(held, rules, root, other)) continue;
        merges.push({ winner: root, loser: other, linkedBy: [...new Set(matched.filter((m) => m.root === other).map((m) => m.type))] });
        alias.set(other, root);
        if (fresh.has(root)) fresh.set(root, undefined);
        if (fresh.has(other)) fresh.set(other, undefined);
        for (const [type, values] of held.get(other) ?? []) for (const v of values) addHeld(held, root, type, v);
        touchedRoots.add(root);
      }
    }
    if (needsWrite[n] || created) {
      for (const i of ids) {
        if (newQuarantine.has(key(i))) continue;
        const claimants = new Set((owners.get(key(i)) ?? []).map((o) => find(o.rootId)));
        if (claimants.has(root)) continue;
        const have = held.get(root)?.get(i.type) ?? new Set<string>();
        if (have.size >= (rules.maxPerCustomer[i.type] ?? Number.POSITIVE_INFINITY)) continue;
        if (claimants.size + 1 > rules.quarantineAfterCustomers) {
          // A front-desk phone or a shared family email: it stops linking anyone.
          newQuarantine.set(key(i), { type: i.type, value: i.value, customers: claimants.size + 1 });
          continue;
        }
        attach.push({ customerId: root, type: i.type, value: i.value, source: input.source, at: input.observedAt });
        addHeld(held, root, i.type, i.value);
        owners.set(key(i), [...(owners.get(key(i)) ?? []), { type: i.type, value: i.value, customerId: root, rootId: root }]);
      }
    }
    // Contact identifiers are also what the source says the customer's phone / email / member no. is.
    const observed: Record<string, string> = {};
    for (const i of ids) if (COLUMN_IDENTIFIERS.has(i.type) && !(i.type in observed)) observed[i.type] = i.value;
    Object.assign(observed, input.traits);
    for (const [field, value] of Object.entries(observed)) {
      traits.push({ customerId: record, field, value, source: input.source, observedAt: input.observedAt });
    }
    if (Object.keys(observed).length > 0) touchedRoots.add(root);
    if (created) fresh.set(root, observed);
    else if (fresh.has(root)) fresh.set(root, undefined);
    resolutions.push({ customerId: root, recordId: record, created });
  });

  for (const r of newRecords) {
    const observed = fresh.get(r.id);
    if (observed) r.golden = goldenOf(observed);
  }
  await insertCustomerRecords(trx, newRecords);
  await attachIdentifiers(trx, attach);
  for (const m of merges) {
    const winnerId = find(m.winner);
    await repointRoot(trx, m.loser, winnerId, now);
    const mergeId = newId('mrg', now);
    await trx
      .insertInto('identity_merge')
      .values({
        id: mergeId,
        winner_id: winnerId,
        loser_id: m.loser,
        rule: 'shared_identifier',
        evidence: JSON.stringify({ linkedBy: m.linkedBy }),
        merged_at: now,
        merged_by: actorLabel,
        undone_at: null,
        undone_by: null,
      })
      .execute();
    // The same event a manual merge publishes: loyalty moves points, tags move manual tags.
    await publish(trx, { topic: 'customer.merged', customerId: winnerId, payload: { winnerId, loserId: m.loser, mergeId } });
  }
  if (newQuarantine.size > 0) {
    const q = [...newQuarantine.values()];
    await sql`
      insert into identity_quarantine (type, value, reason, linked_customers, created_at)
      select type, value, 'shared by more customers than the limit', n, ${now}::timestamptz
      from unnest(${q.map((x) => x.type)}::text[], ${q.map((x) => x.value)}::text[], ${q.map((x) => x.customers)}::int[]) as t(type, value, n)
      on conflict do nothing`.execute(trx);
  }
  await recordTraits(trx, traits);
  // Roots created with their golden record need no refresh.
  const finalRoots = [...new Set([...touchedRoots].map(find))].filter((r) => !fresh.get(r));
  if (finalRoots.length > 0) await refreshGoldenRecords(trx, finalRoots, rules.survivorship);
  if (merges.length > 0) await refreshCustomerStats(trx, { customerIds: [...finalRoots, ...merges.map((m) => m.loser)] });
  return { resolutions: resolutions.map((r) => ({ ...r, customerId: find(r.customerId) })), merges };
};

/**
 * The golden record of a record observed by one input: each field has one candidate, so every
 * survivorship rule picks it (as refreshGoldenRecords would).
 */
const goldenOf = (observed: Record<string, string>): NonNullable<NewCustomerRecord['golden']> => {
  const attributes: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(observed)) if (field.startsWith('attr:')) attributes[field.slice(5)] = JSON.parse(value);
  return { phone: observed.phone ?? null, email: observed.email ?? null, memberNo: observed.member_no ?? null, attributes };
};

const dedupe = (ids: Identifier[]): Identifier[] => [...new Map(ids.map((i) => [key(i), i])).values()];

const groupOwners = <T extends { type: string; value: string }>(rows: T[]): Map<string, T[]> => {
  const m = new Map<string, T[]>();
  for (const r of rows) {
    const k = `${r.type}\u0000${r.value}`;
    m.set(k, [...(m.get(k) ?? []), r]);
  }
  return m;
};

const addHeld = (held: Map<string, Map<IdentifierType, Set<string>>>, root: string, type: IdentifierType, value: string) => {
  const byType = held.get(root) ?? new Map<IdentifierType, Set<string>>();
  const values = byType.get(type) ?? new Set<string>();
  values.add(value);
  byType.set(type, values);
  held.set(root, byType);
};

/** Two clusters conflict if together they would hold more values of a type than its limit of one allows. */
const conflicts = (held: Map<string, Map<IdentifierType, Set<string>>>, rules: IdentityRules, a: string, b: string): boolean => {
  for (const [type, limit] of Object.entries(rules.maxPerCustomer) as [IdentifierType, number][]) {
    if (limit !== 1) continue;
    const union = new Set([...(held.get(a)?.get(type) ?? []), ...(held.get(b)?.get(type) ?? [])]);
    if (union.size > 1) return true;
  }
  return false;
};

const loadQuarantined = async (trx: Trx, keys: Identifier[]): Promise<Set<string>> => {
  if (keys.length === 0) return new Set();
  const { rows } = await sql<{ type: string; value: string }>`
    select q.type, q.value from unnest(${keys.map((k) => k.type)}::text[], ${keys.map((k) => k.value)}::text[]) as k(type, value)
    join identity_quarantine q on q.type = k.type and q.value = k.value`.execute(trx);
  return new Set(rows.map((r) => `${r.type}\u0000${r.value}`));
};

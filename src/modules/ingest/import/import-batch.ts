import type { Clock } from '../../../platform/clock.ts';
import type { Trx } from '../../../platform/db.ts';
import type { RecentCache } from '../../../platform/recent-cache.ts';
import { type Identifier, type IdentifierType, type IdentityRules, normalizeIdentifier, type ResolveInput } from '../../identity/index.ts';
import type { ImportKind } from '../ingest.tables.ts';
import type { FieldColumns } from './field-mapping.ts';
import type { RowError } from './import.repository.ts';
import type { ImportField } from './import-kinds.ts';
import { type DateOrder, type Parsed, parseTimestamp } from './parse-values.ts';
import type { Row } from './read-rows.ts';

/** What one batch of rows is imported with; the batch runs in `trx`, which commits it as a whole. */
export type BatchContext = {
  trx: Trx;
  clock: Clock;
  rules: IdentityRules;
  source: string;
  kind: ImportKind;
  columns: FieldColumns;
  /** Live column names (JSONL may add keys while reading). */
  header: readonly string[];
  /** IANA zone for timestamps without an offset. */
  timezone: string;
  /** Day and month order of dates like 01/02/2024, when the file states it. */
  dateOrder?: DateOrder;
  /** For amounts without a currency column. */
  currency: string;
  now: Date;
  /** Normalised identifiers by raw text, across the import's batches (a customer's rows repeat them). */
  identifierCache: RecentCache<string, ReturnType<typeof normalizeIdentifier>>;
  /** Customer references of order rows by their raw cells (see `sharedCustomerRef`); absent: not cached. */
  refCache?: RecentCache<string, CustomerRef>;
};

export type BatchOutcome = { stored: number; duplicate: number; errors: RowError[] };

export type KindImporter = (ctx: BatchContext, rows: Row[]) => Promise<BatchOutcome>;

const MAX_VALUE = 100;

/** The trimmed cell of a mapped field ('' when unmapped or empty). */
export const cell = (ctx: BatchContext, row: Row, field: ImportField): string => {
  const i = ctx.columns.index[field];
  return i === undefined ? '' : (row.cells[i] ?? '').trim();
};

export const isMapped = (ctx: BatchContext, field: ImportField): boolean => ctx.columns.index[field] !== undefined;

/** An error naming the file's column for `field`, with the value cut short (it may be personal data). */
export const rowError = (ctx: BatchContext, row: Row, field: ImportField, reason: string): RowError => {
  const value = cell(ctx, row, field);
  return { row: row.line, field: ctx.columns.column[field] ?? field, value: value.length > MAX_VALUE ? `${value.slice(0, MAX_VALUE)}…` : value, reason };
};

/** A required timestamp field, read in the import's time zone. */
export const timestampCell = (ctx: BatchContext, row: Row, field: ImportField): Parsed<Date> => {
  const text = cell(ctx, row, field);
  if (text === '') return { ok: false, reason: 'missing' };
  return parseTimestamp(text, ctx.timezone, ctx.dateOrder);
};

const REF_TYPES: [ImportField, IdentifierType][] = [
  ['customer_external_id', 'external'],
  ['member_no', 'member_no'],
  ['wechat_unionid', 'wechat_unionid'],
  ['phone', 'phone'],
  ['email', 'email'],
  ['wechat_openid', 'wechat_openid'],
];

/** How many identifiers a row can name its customer by: the identifier fields the mapping uses. */
export const identifierFieldsMapped = (columns: FieldColumns, idField: 'external_id' | 'customer_external_id'): number =>
  REF_TYPES.filter(([f]) => columns.index[f === 'customer_external_id' ? idField : f] !== undefined).length;

export type CustomerRef = { identifiers: Identifier[]; key: string; traits: Record<string, string> };

/**
 * The identifiers a row names a customer by, normalised. An external id is namespaced by the source
 * (`pos:10023`); `idField` is `external_id` for customer files, `customer_external_id` for the others.
 */
export const customerRef = (
  ctx: BatchContext,
  row: Row,
  idField: 'external_id' | 'customer_external_id',
): { ok: true; ref: CustomerRef } | { ok: false; error: RowError } => {
  const identifiers: Identifier[] = [];
  for (const [field0, type] of REF_TYPES) {
    const field = field0 === 'customer_external_id' ? idField : field0;
    const text = cell(ctx, row, field);
    if (text === '') continue;
    const cacheKey = `${type}\u0000${text}`;
    let n = ctx.identifierCache.get(cacheKey);
    if (!n) {
      n = normalizeIdentifier(type, type === 'external' ? `${ctx.source}:${text}` : text, ctx.rules.phoneRegion);
      ctx.identifierCache.set(cacheKey, n);
    }
    if (!n.ok) return { ok: false, error: rowError(ctx, row, field, n.reason) };
    identifiers.push(n.identifier);
  }
  if (identifiers.length === 0) {
    const mapped = REF_TYPES.map(([f]) => (f === 'customer_external_id' ? idField : f)).filter((f) => isMapped(ctx, f));
    return { ok: false, error: rowError(ctx, row, mapped[0] ?? idField, `no customer identifier (${mapped.join(', ') || idField} all empty)`) };
  }
  const traits: Record<string, string> = {};
  const name = idField === 'customer_external_id' ? cell(ctx, row, 'customer_name') : '';
  if (name) traits.display_name = name.slice(0, 200);
  return { ok: true, ref: { identifiers, key: identifiers.map((i) => `${i.type}:${i.value}`).join('\u0000'), traits } };
};

const SHARED_REF_FIELDS: ImportField[] = [...REF_TYPES.map(([f]) => f), 'customer_name'];

/**
 * `customerRef` for rows that only read their reference (order lines): rows with the same customer cells
 * get the same (shared, not to be changed) reference, normalised once per import while it is in the cache.
 */
export const sharedCustomerRef = (ctx: BatchContext, row: Row): { ok: true; ref: CustomerRef } | { ok: false; error: RowError } => {
  const cache = ctx.refCache;
  if (!cache) return customerRef(ctx, row, 'customer_external_id');
  let key = '';
  for (const f of SHARED_REF_FIELDS) {
    const i = ctx.columns.index[f];
    key += `${i === undefined ? '' : (row.cells[i] ?? '')}\u0001`;
  }
  const hit = cache.get(key);
  if (hit) return { ok: true, ref: hit };
  const r = customerRef(ctx, row, 'customer_external_id');
  if (r.ok) cache.set(key, r.ref);
  return r;
};

/** One resolve input per distinct customer (the first row's traits win within a batch). */
export const resolveInputs = (ctx: BatchContext, refs: CustomerRef[]): { inputs: ResolveInput[]; indexByKey: Map<string, number> } => {
  const indexByKey = new Map<string, number>();
  const inputs: ResolveInput[] = [];
  for (const ref of refs) {
    if (indexByKey.has(ref.key)) continue;
    indexByKey.set(ref.key, inputs.length);
    inputs.push({ source: ctx.source, identifiers: ref.identifiers, traits: ref.traits, observedAt: ctx.now });
  }
  return { inputs, indexByKey };
};

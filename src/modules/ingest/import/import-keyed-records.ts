import type { Trx } from '../../../platform/db.ts';
import { newId } from '../../../platform/ids.ts';
import { resolveIdentities } from '../../identity/index.ts';
import { claimRecords, existingRecords, type RowError } from './import.repository.ts';
import { type BatchContext, type BatchOutcome, type CustomerRef, cell, customerRef, resolveInputs, rowError } from './import-batch.ts';
import type { Row } from './read-rows.ts';

export type Keyed<F> = F & { key: string; ref: CustomerRef };
export type Stored<F> = Keyed<F> & { id: string; customerId: string };

/**
 * The pipeline shared by timeline records that name one customer and carry their own id (tickets,
 * messages): check the id and the customer reference, parse the kind's own fields, drop repeats within
 * the batch and records stored before, resolve the customers, claim the ids (so concurrent imports store
 * each once), then insert what was claimed.
 */
export const importKeyedRecords = async <F>(
  ctx: BatchContext,
  rows: Row[],
  kind: { record: 'ticket' | 'message'; idPrefix: 'tkt' | 'msg' },
  parse: (row: Row) => { ok: true; fields: F } | { ok: false; error: RowError },
  insert: (trx: Trx, records: Stored<F>[]) => Promise<void>,
): Promise<BatchOutcome> => {
  const errors: RowError[] = [];
  const seen = new Set<string>();
  let duplicate = 0;
  const parsed: Keyed<F>[] = [];
  for (const row of rows) {
    const key = cell(ctx, row, 'external_id');
    if (key === '') {
      errors.push(rowError(ctx, row, 'external_id', 'missing'));
      continue;
    }
    const ref = customerRef(ctx, row, 'customer_external_id');
    if (!ref.ok) {
      errors.push(ref.error);
      continue;
    }
    const fields = parse(row);
    if (!fields.ok) {
      errors.push(fields.error);
      continue;
    }
    if (seen.has(key)) {
      duplicate++;
      continue;
    }
    seen.add(key);
    parsed.push({ ...fields.fields, key, ref: ref.ref });
  }

  const existing = await existingRecords(ctx.trx, ctx.source, kind.record, [...seen]);
  const todo = parsed.filter((r) => !existing.has(r.key));
  duplicate += parsed.length - todo.length;
  if (todo.length === 0) return { stored: 0, duplicate, errors };

  const { inputs, indexByKey } = resolveInputs(
    ctx,
    todo.map((r) => r.ref),
  );
  const { resolutions } = await resolveIdentities(ctx.trx, ctx.clock, ctx.rules, inputs, `import:${ctx.source}`);
  const records: Stored<F>[] = todo.map((r) => ({
    ...r,
    id: newId(kind.idPrefix, ctx.now),
    customerId: resolutions[indexByKey.get(r.ref.key) ?? -1]?.customerId ?? '',
  }));
  const claimed = await claimRecords(
    ctx.trx,
    ctx.source,
    kind.record,
    records.map((r) => ({ externalId: r.key, customerId: r.customerId, recordId: r.id })),
    ctx.now,
  );
  const kept = records.filter((r) => claimed.has(r.key));
  if (kept.length > 0) await insert(ctx.trx, kept);
  return { stored: kept.length, duplicate: duplicate + records.length - kept.length, errors };
};

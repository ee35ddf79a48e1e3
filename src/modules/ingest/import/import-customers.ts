import { resolveIdentities } from '../../identity/index.ts';
import { claimRecords, existingRecords, type RowError } from './import.repository.ts';
import { type BatchOutcome, cell, customerRef, type KindImporter, resolveInputs } from './import-batch.ts';
import type { Row } from './read-rows.ts';

/**
 * Customers: identifiers (external id, phone, email, member no., WeChat ids) resolve to customers —
 * created, linked or merged by the identity rules; `name` and every unmapped column are observations
 * for the golden record (`display_name`, `attr:<column>`). Idempotent per external id, or per the
 * first identifier when the file has no id column.
 */
export const importCustomers: KindImporter = async (ctx, rows): Promise<BatchOutcome> => {
  const errors: RowError[] = [];
  let duplicate = 0;
  const seen = new Set<string>();
  const fresh: { row: Row; key: string; ref: ReturnType<typeof customerRef> & { ok: true } }[] = [];

  for (const row of rows) {
    const ref = customerRef(ctx, row, 'external_id');
    if (!ref.ok) {
      errors.push(ref.error);
      continue;
    }
    const ext = cell(ctx, row, 'external_id');
    const first = ref.ref.identifiers[0];
    const key = ext || `${first?.type}:${first?.value}`;
    if (seen.has(key)) {
      duplicate++;
      continue;
    }
    seen.add(key);
    const name = cell(ctx, row, 'name');
    if (name) ref.ref.traits.display_name = name.slice(0, 200);
    for (let i = 0; i < ctx.header.length; i++) {
      if (ctx.columns.used.has(i)) continue;
      const value = (row.cells[i] ?? '').trim();
      if (value !== '') ref.ref.traits[`attr:${ctx.header[i]}`] = JSON.stringify(value);
    }
    // Each row is its own observation, even when two rows share identifiers.
    ref.ref.key = key;
    fresh.push({ row, key, ref });
  }

  const existing = await existingRecords(ctx.trx, ctx.source, 'customer', [...seen]);
  const todo = fresh.filter((f) => !existing.has(f.key));
  duplicate += fresh.length - todo.length;
  if (todo.length === 0) return { stored: 0, duplicate, errors };

  const { inputs } = resolveInputs(
    ctx,
    todo.map((t) => t.ref.ref),
  );
  // Rows not imported before: mostly customers new to Guanxi.
  const { resolutions } = await resolveIdentities(ctx.trx, ctx.clock, ctx.rules, inputs, `import:${ctx.source}`, { mostlyNew: true });
  const claimed = await claimRecords(
    ctx.trx,
    ctx.source,
    'customer',
    todo.map((t, i) => ({ externalId: t.key, customerId: resolutions[i]?.customerId ?? '', recordId: resolutions[i]?.recordId ?? '' })),
    ctx.now,
  );
  return { stored: claimed.size, duplicate: duplicate + todo.length - claimed.size, errors };
};

import { sql } from 'kysely';
import { newId } from '../../../platform/ids.ts';
import { resolveIdentities } from '../../identity/index.ts';
import { claimRecords, existingRecords, type RowError } from './import.repository.ts';
import { type BatchOutcome, type CustomerRef, cell, customerRef, type KindImporter, resolveInputs, rowError, timestampCell } from './import-batch.ts';

type Message = { key: string; ref: CustomerRef; community: string; channel: string | null; body: string; sentAt: Date };

/**
 * Community messages (WeChat groups, forums) on the customer's timeline. Without a community column the
 * source's name is the community. Idempotent per message id.
 */
export const importMessages: KindImporter = async (ctx, rows): Promise<BatchOutcome> => {
  const errors: RowError[] = [];
  const seen = new Set<string>();
  let duplicate = 0;
  const parsed: Message[] = [];
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
    const body = cell(ctx, row, 'body');
    if (body === '') {
      errors.push(rowError(ctx, row, 'body', 'missing'));
      continue;
    }
    const sent = timestampCell(ctx, row, 'sent_at');
    if (!sent.ok) {
      errors.push(rowError(ctx, row, 'sent_at', sent.reason));
      continue;
    }
    if (seen.has(key)) {
      duplicate++;
      continue;
    }
    seen.add(key);
    parsed.push({
      key,
      ref: ref.ref,
      community: (cell(ctx, row, 'community') || ctx.source).slice(0, 200),
      channel: cell(ctx, row, 'channel').slice(0, 100) || null,
      body: body.slice(0, 10_000),
      sentAt: sent.value,
    });
  }

  const existing = await existingRecords(ctx.trx, ctx.source, 'message', [...seen]);
  const todo = parsed.filter((m) => !existing.has(m.key));
  duplicate += parsed.length - todo.length;
  if (todo.length === 0) return { stored: 0, duplicate, errors };

  const { inputs, indexByKey } = resolveInputs(
    ctx,
    todo.map((m) => m.ref),
  );
  const { resolutions } = await resolveIdentities(ctx.trx, ctx.clock, ctx.rules, inputs, `import:${ctx.source}`);
  const messages = todo.map((m) => ({ ...m, id: newId('msg', ctx.now), customerId: resolutions[indexByKey.get(m.ref.key) ?? -1]?.customerId ?? '' }));
  const claimed = await claimRecords(
    ctx.trx,
    ctx.source,
    'message',
    messages.map((m) => ({ externalId: m.key, customerId: m.customerId, recordId: m.id })),
    ctx.now,
  );
  const kept = messages.filter((m) => claimed.has(m.key));
  if (kept.length > 0) {
    await sql`
      insert into community_message (customer_id, id, source, external_id, community, channel, body, sent_at, created_at)
      select c, i, ${ctx.source}, e, co, ch, b, s, ${ctx.now}::timestamptz
      from unnest(${kept.map((m) => m.customerId)}::text[], ${kept.map((m) => m.id)}::text[], ${kept.map((m) => m.key)}::text[],
                  ${kept.map((m) => m.community)}::text[], ${kept.map((m) => m.channel)}::text[], ${kept.map((m) => m.body)}::text[],
                  ${kept.map((m) => m.sentAt)}::timestamptz[]) as u(c, i, e, co, ch, b, s)
      on conflict do nothing`.execute(ctx.trx);
  }
  return { stored: kept.length, duplicate: duplicate + messages.length - kept.length, errors };
};

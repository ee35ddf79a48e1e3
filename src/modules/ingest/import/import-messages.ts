import { sql } from 'kysely';
import type { KindImporter } from './import-batch.ts';
import { cell, rowError, timestampCell } from './import-batch.ts';
import { importKeyedRecords } from './import-keyed-records.ts';

/**
 * Community messages (WeChat groups, forums) on the customer's timeline. Without a community column the
 * source's name is the community. Idempotent per message id.
 */
export const importMessages: KindImporter = (ctx, rows) =>
  importKeyedRecords(
    ctx,
    rows,
    { record: 'message', idPrefix: 'msg' },
    (row) => {
      const body = cell(ctx, row, 'body');
      if (body === '') return { ok: false, error: rowError(ctx, row, 'body', 'missing') };
      const sent = timestampCell(ctx, row, 'sent_at');
      if (!sent.ok) return { ok: false, error: rowError(ctx, row, 'sent_at', sent.reason) };
      return {
        ok: true,
        fields: {
          community: (cell(ctx, row, 'community') || ctx.source).slice(0, 200),
          channel: cell(ctx, row, 'channel').slice(0, 100) || null,
          body: body.slice(0, 10_000),
          sentAt: sent.value,
        },
      };
    },
    async (trx, kept) => {
      await sql`
        insert into community_message (customer_id, id, source, external_id, community, channel, body, sent_at, created_at)
        select c, i, ${ctx.source}, e, co, ch, b, s, ${ctx.now}::timestamptz
        from unnest(${kept.map((m) => m.customerId)}::text[], ${kept.map((m) => m.id)}::text[], ${kept.map((m) => m.key)}::text[],
                    ${kept.map((m) => m.community)}::text[], ${kept.map((m) => m.channel)}::text[], ${kept.map((m) => m.body)}::text[],
                    ${kept.map((m) => m.sentAt)}::timestamptz[]) as u(c, i, e, co, ch, b, s)
        on conflict do nothing`.execute(trx);
    },
  );

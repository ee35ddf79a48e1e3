import { sql } from 'kysely';
import type { ServiceTicketTable } from '../ingest.tables.ts';
import { cell, type KindImporter, rowError, timestampCell } from './import-batch.ts';
import { importKeyedRecords } from './import-keyed-records.ts';

type Status = ServiceTicketTable['status'];
type Priority = 'low' | 'normal' | 'high' | 'urgent';

const STATUS: Record<string, Status> = {
  open: 'open',
  new: 'open',
  pending: 'pending',
  on_hold: 'pending',
  solved: 'solved',
  resolved: 'solved',
  closed: 'closed',
  待处理: 'open',
  新建: 'open',
  处理中: 'pending',
  挂起: 'pending',
  已解决: 'solved',
  已关闭: 'closed',
};

const PRIORITY: Record<string, Priority> = {
  low: 'low',
  normal: 'normal',
  medium: 'normal',
  high: 'high',
  urgent: 'urgent',
  低: 'low',
  普通: 'normal',
  中: 'normal',
  高: 'high',
  紧急: 'urgent',
};

/** Service tickets from another help desk, attached to the customer they name. Idempotent per ticket id. */
export const importTickets: KindImporter = (ctx, rows) =>
  importKeyedRecords(
    ctx,
    rows,
    { record: 'ticket', idPrefix: 'tkt' },
    (row) => {
      const opened = timestampCell(ctx, row, 'opened_at');
      if (!opened.ok) return { ok: false, error: rowError(ctx, row, 'opened_at', opened.reason) };
      let closedAt: Date | null = null;
      if (cell(ctx, row, 'closed_at') !== '') {
        const closed = timestampCell(ctx, row, 'closed_at');
        if (!closed.ok) return { ok: false, error: rowError(ctx, row, 'closed_at', closed.reason) };
        closedAt = closed.value;
      }
      const statusText = cell(ctx, row, 'status');
      const status = statusText === '' ? (closedAt ? 'closed' : 'open') : STATUS[statusText.toLowerCase()];
      if (!status) return { ok: false, error: rowError(ctx, row, 'status', 'unknown status; one of open, pending, solved, closed') };
      const priorityText = cell(ctx, row, 'priority');
      const priority = priorityText === '' ? 'normal' : PRIORITY[priorityText.toLowerCase()];
      if (!priority) return { ok: false, error: rowError(ctx, row, 'priority', 'unknown priority; one of low, normal, high, urgent') };
      return {
        ok: true,
        fields: {
          subject: cell(ctx, row, 'subject').slice(0, 500),
          status,
          priority,
          channel: cell(ctx, row, 'channel').slice(0, 100) || null,
          openedAt: opened.value,
          closedAt,
        },
      };
    },
    async (trx, kept) => {
      await sql`
        insert into service_ticket (customer_id, id, source, external_id, subject, status, priority, channel, opened_at, closed_at, created_at)
        select c, i, ${ctx.source}, e, s, st, p, ch, o, cl, ${ctx.now}::timestamptz
        from unnest(${kept.map((t) => t.customerId)}::text[], ${kept.map((t) => t.id)}::text[], ${kept.map((t) => t.key)}::text[],
                    ${kept.map((t) => t.subject)}::text[], ${kept.map((t) => t.status)}::text[], ${kept.map((t) => t.priority)}::text[],
                    ${kept.map((t) => t.channel)}::text[], ${kept.map((t) => t.openedAt)}::timestamptz[], ${kept.map((t) => t.closedAt)}::timestamptz[])
          as u(c, i, e, s, st, p, ch, o, cl)
        on conflict do nothing`.execute(trx);
    },
  );

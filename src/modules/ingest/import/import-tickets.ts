import { sql } from 'kysely';
import { newId } from '../../../platform/ids.ts';
import { resolveIdentities } from '../../identity/index.ts';
import type { ServiceTicketTable } from '../ingest.tables.ts';
import { claimRecords, existingRecords, type RowError } from './import.repository.ts';
import { type BatchOutcome, type CustomerRef, cell, customerRef, type KindImporter, resolveInputs, rowError, timestampCell } from './import-batch.ts';

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

type Ticket = {
  key: string;
  ref: CustomerRef;
  subject: string;
  status: Status;
  priority: Priority;
  channel: string | null;
  openedAt: Date;
  closedAt: Date | null;
};

/** Service tickets from another help desk, attached to the customer they name. Idempotent per ticket id. */
export const importTickets: KindImporter = async (ctx, rows): Promise<BatchOutcome> => {
  const errors: RowError[] = [];
  const seen = new Set<string>();
  let duplicate = 0;
  const parsed: Ticket[] = [];
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
    const opened = timestampCell(ctx, row, 'opened_at');
    if (!opened.ok) {
      errors.push(rowError(ctx, row, 'opened_at', opened.reason));
      continue;
    }
    let closedAt: Date | null = null;
    if (cell(ctx, row, 'closed_at') !== '') {
      const closed = timestampCell(ctx, row, 'closed_at');
      if (!closed.ok) {
        errors.push(rowError(ctx, row, 'closed_at', closed.reason));
        continue;
      }
      closedAt = closed.value;
    }
    const statusText = cell(ctx, row, 'status');
    const status = statusText === '' ? (closedAt ? 'closed' : 'open') : STATUS[statusText.toLowerCase()];
    if (!status) {
      errors.push(rowError(ctx, row, 'status', 'unknown status; one of open, pending, solved, closed'));
      continue;
    }
    const priorityText = cell(ctx, row, 'priority');
    const priority = priorityText === '' ? 'normal' : PRIORITY[priorityText.toLowerCase()];
    if (!priority) {
      errors.push(rowError(ctx, row, 'priority', 'unknown priority; one of low, normal, high, urgent'));
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
      subject: cell(ctx, row, 'subject').slice(0, 500),
      status,
      priority,
      channel: cell(ctx, row, 'channel').slice(0, 100) || null,
      openedAt: opened.value,
      closedAt,
    });
  }

  const existing = await existingRecords(ctx.trx, ctx.source, 'ticket', [...seen]);
  const todo = parsed.filter((t) => !existing.has(t.key));
  duplicate += parsed.length - todo.length;
  if (todo.length === 0) return { stored: 0, duplicate, errors };

  const { inputs, indexByKey } = resolveInputs(
    ctx,
    todo.map((t) => t.ref),
  );
  const { resolutions } = await resolveIdentities(ctx.trx, ctx.clock, ctx.rules, inputs, `import:${ctx.source}`);
  const tickets = todo.map((t) => ({ ...t, id: newId('tkt', ctx.now), customerId: resolutions[indexByKey.get(t.ref.key) ?? -1]?.customerId ?? '' }));
  const claimed = await claimRecords(
    ctx.trx,
    ctx.source,
    'ticket',
    tickets.map((t) => ({ externalId: t.key, customerId: t.customerId, recordId: t.id })),
    ctx.now,
  );
  const kept = tickets.filter((t) => claimed.has(t.key));
  if (kept.length > 0) {
    await sql`
      insert into service_ticket (customer_id, id, source, external_id, subject, status, priority, channel, opened_at, closed_at, created_at)
      select c, i, ${ctx.source}, e, s, st, p, ch, o, cl, ${ctx.now}::timestamptz
      from unnest(${kept.map((t) => t.customerId)}::text[], ${kept.map((t) => t.id)}::text[], ${kept.map((t) => t.key)}::text[],
                  ${kept.map((t) => t.subject)}::text[], ${kept.map((t) => t.status)}::text[], ${kept.map((t) => t.priority)}::text[],
                  ${kept.map((t) => t.channel)}::text[], ${kept.map((t) => t.openedAt)}::timestamptz[], ${kept.map((t) => t.closedAt)}::timestamptz[])
        as u(c, i, e, s, st, p, ch, o, cl)
      on conflict do nothing`.execute(ctx.trx);
  }
  return { stored: kept.length, duplicate: duplicate + tickets.length - kept.length, errors };
};

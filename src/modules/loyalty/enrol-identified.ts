import { z } from 'zod';
import type { Db } from '../../platform/db.ts';
import { readSetting, writeSetting } from '../../platform/settings.ts';
import { type IdentifyCursor, listIdentifyEvents } from '../profiles/index.ts';
import type { LoyaltyCtx } from './award-points.ts';
import { enrolMember } from './members.ts';

const CURSOR_KEY = 'loyalty.identify_cursor';
const CursorSchema = z.object({ receivedAt: z.string(), customerId: z.string(), id: z.string() });
// Events are read again this long after the cursor passed them: identity resolution stores an event
// (with its original receipt time) after a short delay, so a late one is not missed. Enrolment is
// idempotent, so reading twice is harmless.
const LOOKBACK_MS = 3_600_000;

/** Whether an identify trait says "member": true, "yes", "1", a member number…; not false, "false", "no", "0", "". */
export const isMemberTrait = (value: unknown): boolean => {
  if (value === null || value === undefined || value === false || value === 0) return false;
  if (typeof value === 'string') return !['', 'false', 'no', '0', 'n', 'off'].includes(value.trim().toLowerCase());
  return typeof value === 'number' || value === true;
};

export type IdentifyEnrolReport = { events: number; members: number; enrolled: number };

/**
 * Enrols the customers whose C1 identify events carry the programme's enrolment trait (settings
 * `enrolment.identifyTrait`, e.g. `member: true` or `memberNumber: "A-123"`), issuing a member number
 * (via 'identify'). Reads through profiles' listIdentifyEvents with a cursor; idempotent — a customer
 * already a member is left as is, however often the event is read.
 */
export const enrolFromIdentifyEvents = async (db: Db, ctx: LoyaltyCtx, options: { batchSize?: number } = {}): Promise<IdentifyEnrolReport> => {
  const report: IdentifyEnrolReport = { events: 0, members: 0, enrolled: 0 };
  const trait = ctx.settings.enrolment.identifyTrait;
  if (!trait) return report;
  const batchSize = options.batchSize ?? 1000;
  const stored = await readSetting(db, CURSOR_KEY, CursorSchema.nullable(), null);
  let after: IdentifyCursor | null = stored ? { receivedAt: new Date(new Date(stored.receivedAt).getTime() - LOOKBACK_MS), customerId: '', id: '' } : null;
  let last: IdentifyCursor | null = stored ? { ...stored, receivedAt: new Date(stored.receivedAt) } : null;
  for (;;) {
    const events = await listIdentifyEvents(db, { after, withTrait: trait, limit: batchSize });
    if (events.length === 0) break;
    report.events += events.length;
    const roots = [...new Set(events.filter((e) => isMemberTrait(e.traits[trait])).map((e) => e.rootId))];
    report.members += roots.length;
    if (roots.length > 0) {
      const known = new Set(
        (await db.selectFrom('loyalty_member').select('customer_id').where('customer_id', 'in', roots).execute()).map((r) => r.customer_id),
      );
      const fresh = roots.filter((r) => !known.has(r));
      if (fresh.length > 0) {
        await db.transaction().execute(async (trx) => {
          for (const id of fresh) await enrolMember(trx, ctx.clock, ctx.settings, id, 'identify');
        });
        report.enrolled += fresh.length;
      }
    }
    const tail = events[events.length - 1] as (typeof events)[number];
    after = { receivedAt: tail.receivedAt, customerId: tail.customerId, id: tail.id };
    if (!last || tail.receivedAt >= last.receivedAt) last = after;
    if (events.length < batchSize) break;
  }
  if (last) {
    const cursor = { receivedAt: last.receivedAt.toISOString(), customerId: last.customerId, id: last.id };
    await db.transaction().execute((trx) => writeSetting(trx, CURSOR_KEY, cursor, null, ctx.clock.now()));
  }
  return report;
};

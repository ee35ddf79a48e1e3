import { sql } from 'kysely';
import type { Db } from '../../platform/db.ts';
import { isAppError } from '../../platform/errors.ts';
import { awardPoints, type LoyaltyCtx } from './award-points.ts';
import { withIssuanceAlerts } from './issuance-guard.ts';
import { businessDay } from './ledger.repository.ts';

export type MilestoneReport = { anniversaries: number; birthdays: number; refused: number };

// A day the job did not run is caught up within this many days.
const CATCH_UP_DAYS = 7;

/** 'MM-DD' of the last few local days; Feb 29 counts on Feb 28 in common years. */
const recentMonthDays = (now: Date): { year: number; monthDays: string[] } => {
  const out = new Set<string>();
  for (let i = 0; i < CATCH_UP_DAYS; i++) {
    const day = businessDay(new Date(now.getTime() - i * 86_400_000));
    const md = day.slice(5);
    out.add(md);
    const y = Number(day.slice(0, 4));
    const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
    if (md === '02-28' && !leap) out.add('02-29');
  }
  return { year: Number(businessDay(now).slice(0, 4)), monthDays: [...out] };
};

/**
 * Milestone care: membership anniversary and birthday points, once per year per member (the
 * (customer, kind, year) row and the movement key both say so). Catches up a few missed days.
 */
export const grantMilestones = async (db: Db, ctx: LoyaltyCtx): Promise<MilestoneReport> => {
  const now = ctx.clock.now();
  const { year, monthDays } = recentMonthDays(now);
  const report: MilestoneReport = { anniversaries: 0, birthdays: 0, refused: 0 };
  const yearAgo = new Date(now.getTime() - 300 * 86_400_000);
  const due = await sql<{ customer_id: string; kind: 'anniversary' | 'birthday' }>`
    select m.customer_id, 'anniversary' as kind from loyalty_member m
    where to_char(m.enrolled_at at time zone 'Asia/Shanghai', 'MM-DD') = any(${monthDays}::text[]) and m.enrolled_at < ${yearAgo}
      and not exists (select 1 from loyalty_milestone s where s.customer_id = m.customer_id and s.kind = 'anniversary' and s.year = ${year})
    union all
    select m.customer_id, 'birthday' from loyalty_member m join loyalty_customer_birthday b on b.customer_id = m.customer_id
    where b.month_day = any(${monthDays}::text[])
      and not exists (select 1 from loyalty_milestone s where s.customer_id = m.customer_id and s.kind = 'birthday' and s.year = ${year})`.execute(db);
  for (const row of due.rows) {
    const points = row.kind === 'anniversary' ? ctx.settings.milestones.anniversaryPoints : ctx.settings.milestones.birthdayPoints;
    try {
      const granted = await withIssuanceAlerts(db, ctx.clock, () =>
        db.transaction().execute(async (trx) => {
          const claimed = await trx
            .insertInto('loyalty_milestone')
            .values({ customer_id: row.customer_id, kind: row.kind, year, movement_id: null, granted_at: now })
            .onConflict((oc) => oc.doNothing())
            .returning('year')
            .executeTakeFirst();
          if (!claimed || points === 0) return Boolean(claimed);
          const { movement } = await awardPoints(trx, ctx, {
            customerId: row.customer_id,
            points,
            key: `milestone:${row.kind}:${year}`,
            kind: 'grant',
            reason: row.kind,
            refType: 'milestone',
            refId: `${row.kind}:${year}`,
            actor: 'system:loyalty-care',
          });
          await trx
            .updateTable('loyalty_milestone')
            .set({ movement_id: movement.id })
            .where('customer_id', '=', row.customer_id)
            .where('kind', '=', row.kind)
            .where('year', '=', year)
            .execute();
          return true;
        }),
      );
      if (granted) report[row.kind === 'anniversary' ? 'anniversaries' : 'birthdays']++;
    } catch (e) {
      if (isAppError(e) && e.code === 'loyalty.daily_budget_exceeded') {
        report.refused++;
        break;
      }
      throw e;
    }
  }
  return report;
};

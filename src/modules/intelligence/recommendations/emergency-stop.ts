import { sql } from 'kysely';
import type { Clock } from '../../../platform/clock.ts';
import type { Db, Trx } from '../../../platform/db.ts';
import { AppError } from '../../../platform/errors.ts';
import { newId } from '../../../platform/ids.ts';
import { publish } from '../../../platform/outbox.ts';
import { recordAudit } from '../../audit/index.ts';
import type { Actor } from '../../auth/index.ts';
import type { SwitchChange, SwitchState } from './recommendations.shared.ts';

const SWITCH_LOCK = 7_361_080;

export type { SwitchChange, SwitchState } from './recommendations.shared.ts';

/**
 * The emergency stop (算法紧急制动). Read on every request, never cached, so flipping it takes effect on
 * every server at once; no row yet means personalisation is on.
 */
export const readSwitch = async (db: Db | Trx): Promise<SwitchState> => {
  const row = await db.selectFrom('recommendation_switch').selectAll().orderBy('at', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst();
  return row ? { stopped: row.stopped, at: row.at, by: row.actor_label, reason: row.reason } : { stopped: false, at: null, by: null, reason: null };
};

/** Turns personalised recommendations off (stopped) or back on, with the reason; audited and kept as history. */
export const setEmergencyStop = async (trx: Trx, clock: Clock, actor: Actor, input: { stopped: boolean; reason: string }): Promise<SwitchChange> => {
  // Serialises flips, so two people pressing at once leave a clean history.
  await sql`select pg_advisory_xact_lock(${SWITCH_LOCK})`.execute(trx);
  const current = await readSwitch(trx);
  if (current.stopped === input.stopped) {
    throw new AppError(
      'recommendations.switch_unchanged',
      input.stopped ? 'personalised recommendations are already stopped' : 'personalised recommendations are already on',
    );
  }
  const at = clock.now();
  const row = { id: newId('rsw', at), stopped: input.stopped, reason: input.reason, at, actor_id: actor.id, actor_label: actor.label };
  await trx.insertInto('recommendation_switch').values(row).execute();
  await recordAudit(trx, clock, actor, {
    action: input.stopped ? 'recommendations.stop' : 'recommendations.resume',
    subjectType: 'setting',
    subjectId: 'recommendations.personalised',
    details: { reason: input.reason },
  });
  await publish(trx, { topic: input.stopped ? 'recommendations.stopped' : 'recommendations.resumed', payload: { switchId: row.id } });
  return { id: row.id, stopped: row.stopped, reason: row.reason, at, by: actor.label };
};

export const listSwitchHistory = async (db: Db | Trx, limit = 50): Promise<SwitchChange[]> => {
  const rows = await db.selectFrom('recommendation_switch').selectAll().orderBy('at', 'desc').orderBy('id', 'desc').limit(limit).execute();
  return rows.map((r) => ({ id: r.id, stopped: r.stopped, reason: r.reason, at: r.at, by: r.actor_label }));
};

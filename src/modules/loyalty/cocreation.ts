import { sql } from 'kysely';
import type { Clock } from '../../platform/clock.ts';
import type { Db, Trx } from '../../platform/db.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { recordAudit } from '../audit/index.ts';
import type { Actor } from '../auth/index.ts';
import { INVITATION_TRANSITIONS, type InvitationStatus } from './loyalty.shared.ts';

export type Cocreation = {
  id: string;
  title: string;
  kind: 'product_test' | 'event' | 'interview';
  description: string;
  startsAt: Date | null;
  capacity: number | null;
  createdAt: Date;
  counts: Record<InvitationStatus, number>;
};

export const listCocreations = async (db: Db | Trx): Promise<Cocreation[]> => {
  const rows = await sql<{
    id: string;
    title: string;
    kind: Cocreation['kind'];
    description: string;
    starts_at: Date | null;
    capacity: number | null;
    created_at: Date;
    invited: number;
    signed_up: number;
    participated: number;
    declined: number;
  }>`
    select c.*,
      count(i.customer_id) filter (where i.status = 'invited')::int as invited,
      count(i.customer_id) filter (where i.status = 'signed_up')::int as signed_up,
      count(i.customer_id) filter (where i.status = 'participated')::int as participated,
      count(i.customer_id) filter (where i.status = 'declined')::int as declined
    from loyalty_cocreation c left join loyalty_invitation i on i.cocreation_id = c.id
    group by c.id order by c.created_at desc limit 200`.execute(db);
  return rows.rows.map((r) => ({
    id: r.id,
    title: r.title,
    kind: r.kind,
    description: r.description,
    startsAt: r.starts_at,
    capacity: r.capacity,
    createdAt: r.created_at,
    counts: { invited: r.invited, signed_up: r.signed_up, participated: r.participated, declined: r.declined },
  }));
};

export const createCocreation = async (
  trx: Trx,
  clock: Clock,
  actor: Actor,
  input: { title: string; kind: Cocreation['kind']; description?: string; startsAt?: Date | null; capacity?: number | null },
): Promise<string> => {
  const now = clock.now();
  const id = newId('lcc', now);
  await trx
    .insertInto('loyalty_cocreation')
    .values({
      id,
      title: input.title,
      kind: input.kind,
      description: input.description ?? '',
      starts_at: input.startsAt ?? null,
      capacity: input.capacity ?? null,
      created_by: actor.id ?? actor.label,
      created_at: now,
    })
    .execute();
  await recordAudit(trx, clock, actor, { action: 'loyalty.cocreation_create', subjectType: 'loyalty_cocreation', subjectId: id });
  return id;
};

/** Edits a programme's details; its invitations stay as they are. */
export const updateCocreation = async (
  trx: Trx,
  clock: Clock,
  actor: Actor,
  id: string,
  input: { title: string; kind: Cocreation['kind']; description?: string; startsAt?: Date | null; capacity?: number | null },
): Promise<void> => {
  const current = await trx.selectFrom('loyalty_cocreation').select('id').where('id', '=', id).forUpdate().executeTakeFirst();
  if (!current) throw new AppError('loyalty.cocreation_not_found', `no co-creation programme ${id}`);
  if (input.capacity != null) {
    const taken = await trx
      .selectFrom('loyalty_invitation')
      .select(sql<number>`count(*)::int`.as('n'))
      .where('cocreation_id', '=', id)
      .where('status', 'in', ['signed_up', 'participated'])
      .executeTakeFirstOrThrow();
    if (input.capacity < taken.n) {
      throw new AppError('request.invalid', `${taken.n} members already signed up`, { fields: [{ path: 'capacity', message: `at least ${taken.n}` }] });
    }
  }
  await trx
    .updateTable('loyalty_cocreation')
    .set({
      title: input.title,
      kind: input.kind,
      description: input.description ?? '',
      starts_at: input.startsAt ?? null,
      capacity: input.capacity ?? null,
    })
    .where('id', '=', id)
    .execute();
  await recordAudit(trx, clock, actor, { action: 'loyalty.cocreation_update', subjectType: 'loyalty_cocreation', subjectId: id });
};

/** Invites the top members of a tier (by growth value) who are not invited yet. */
export const inviteTopMembers = async (trx: Trx, clock: Clock, actor: Actor, input: { cocreationId: string; tier: string; limit: number }): Promise<number> => {
  const c = await trx.selectFrom('loyalty_cocreation').select('id').where('id', '=', input.cocreationId).executeTakeFirst();
  if (!c) throw new AppError('loyalty.cocreation_not_found', `no co-creation programme ${input.cocreationId}`);
  const now = clock.now();
  const res = await sql`
    insert into loyalty_invitation (customer_id, cocreation_id, status, invited_at, updated_at)
    select m.customer_id, ${input.cocreationId}, 'invited', ${now}, ${now} from loyalty_member m
    where m.tier = ${input.tier}
      and not exists (select 1 from loyalty_invitation i where i.customer_id = m.customer_id and i.cocreation_id = ${input.cocreationId})
    order by m.growth desc, m.customer_id limit ${input.limit}
    on conflict do nothing`.execute(trx);
  const n = Number(res.numAffectedRows ?? 0);
  await recordAudit(trx, clock, actor, {
    action: 'loyalty.cocreation_invite',
    subjectType: 'loyalty_cocreation',
    subjectId: input.cocreationId,
    details: { tier: input.tier, invited: n },
  });
  return n;
};

export { INVITATION_TRANSITIONS } from './loyalty.shared.ts';

/**
 * Tracks an invitation. Only the transitions above are allowed (the same status again is a no-op),
 * and a programme with a capacity takes no more sign-ups once it is full.
 */
export const setInvitationStatus = async (
  trx: Trx,
  clock: Clock,
  input: { cocreationId: string; customerId: string; status: InvitationStatus },
): Promise<void> => {
  const programme = await trx.selectFrom('loyalty_cocreation').select(['id', 'capacity']).where('id', '=', input.cocreationId).forUpdate().executeTakeFirst();
  const current = programme
    ? await trx
        .selectFrom('loyalty_invitation')
        .select('status')
        .where('cocreation_id', '=', input.cocreationId)
        .where('customer_id', '=', input.customerId)
        .forUpdate()
        .executeTakeFirst()
    : undefined;
  if (!programme || !current) throw new AppError('loyalty.cocreation_not_found', 'no such invitation');
  if (current.status === input.status) return;
  if (!INVITATION_TRANSITIONS[current.status].includes(input.status)) {
    throw new AppError('request.invalid', `an invitation that is ${current.status} cannot become ${input.status}`, {
      fields: [{ path: 'status', message: `from ${current.status}: ${INVITATION_TRANSITIONS[current.status].join(', ')}` }],
    });
  }
  const joining = input.status === 'signed_up' || input.status === 'participated';
  const wasIn = current.status === 'signed_up' || current.status === 'participated';
  if (joining && !wasIn && programme.capacity !== null) {
    const taken = await trx
      .selectFrom('loyalty_invitation')
      .select(sql<number>`count(*)::int`.as('n'))
      .where('cocreation_id', '=', input.cocreationId)
      .where('status', 'in', ['signed_up', 'participated'])
      .executeTakeFirstOrThrow();
    if (taken.n >= programme.capacity) {
      throw new AppError('request.invalid', `the programme is full (${programme.capacity} places)`, {
        fields: [{ path: 'status', message: `full: ${programme.capacity} places` }],
      });
    }
  }
  await trx
    .updateTable('loyalty_invitation')
    .set({ status: input.status, updated_at: clock.now() })
    .where('cocreation_id', '=', input.cocreationId)
    .where('customer_id', '=', input.customerId)
    .execute();
};

export const listInvitations = async (db: Db, cocreationId: string) =>
  (
    await db
      .selectFrom('loyalty_invitation as i')
      .innerJoin('loyalty_member as m', 'm.customer_id', 'i.customer_id')
      .select(['i.customer_id', 'm.member_no', 'm.tier', 'm.growth', 'i.status', 'i.invited_at', 'i.updated_at'])
      .where('i.cocreation_id', '=', cocreationId)
      .orderBy('m.growth', 'desc')
      .limit(500)
      .execute()
  ).map((r) => ({
    customerId: r.customer_id,
    memberNo: r.member_no,
    tier: r.tier,
    growth: Number(r.growth),
    status: r.status,
    invitedAt: r.invited_at,
    updatedAt: r.updated_at,
  }));

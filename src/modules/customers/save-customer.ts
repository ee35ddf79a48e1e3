import { sql } from 'kysely';
import type { Clock } from '../../platform/clock.ts';
import type { Trx } from '../../platform/db.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { publish } from '../../platform/outbox.ts';
import { recordAudit } from '../audit/index.ts';
import type { Actor } from '../auth/index.ts';
import { normalizeEmail, normalizePhone } from './contact.ts';
import { type CustomerDetail, loadCustomerDetail } from './get-customer.ts';
import { recordTraits, snapshotBaseTraits } from './profile.repository.ts';

export type CustomerFields = {
  displayName?: string;
  phone?: string | null;
  email?: string | null;
  memberNo?: string | null;
  attributes?: Record<string, unknown>;
};

const normalized = (input: CustomerFields) => {
  const out: { display_name?: string; phone?: string | null; email?: string | null; member_no?: string | null } = {};
  if (input.displayName !== undefined) out.display_name = input.displayName.trim();
  if (input.phone !== undefined) {
    if (input.phone === null || input.phone.trim() === '') out.phone = null;
    else {
      const phone = normalizePhone(input.phone);
      if (!phone)
        throw new AppError('customers.invalid_phone', 'not a valid phone number', { fields: [{ path: 'body.phone', message: 'not a valid phone number' }] });
      out.phone = phone;
    }
  }
  if (input.email !== undefined) out.email = input.email === null || input.email.trim() === '' ? null : normalizeEmail(input.email);
  if (input.memberNo !== undefined) out.member_no = input.memberNo === null || input.memberNo.trim() === '' ? null : input.memberNo.trim();
  return out;
};

/** Member numbers identify one customer; checked under a lock on the number so two writers cannot both take it. */
const assertMemberNoFree = async (trx: Trx, memberNo: string, exceptId: string | null) => {
  await sql`select pg_advisory_xact_lock(hashtext(${`member_no:${memberNo}`}))`.execute(trx);
  const holder = await trx.selectFrom('customer').select('id').where('member_no', '=', memberNo).executeTakeFirst();
  if (holder && holder.id !== exceptId) {
    throw new AppError('customers.member_no_taken', `member number ${memberNo} belongs to another customer`, {
      fields: [{ path: 'body.memberNo', message: 'already used by another customer' }],
    });
  }
};

/** A person's edit is an observation from the most trusted source, so golden-record refreshes keep it. */
const recordConsoleTraits = async (
  trx: Trx,
  customerId: string,
  fields: ReturnType<typeof normalized>,
  attributes: Record<string, unknown> | undefined,
  at: Date,
) => {
  await snapshotBaseTraits(trx, [customerId]);
  const obs = Object.entries(fields)
    .filter(([, v]) => typeof v === 'string' && v !== '')
    .map(([field, value]) => ({ customerId, field, value: value as string, source: 'console', observedAt: at }));
  for (const [k, v] of Object.entries(attributes ?? {}))
    obs.push({ customerId, field: `attr:${k}`, value: JSON.stringify(v), source: 'console', observedAt: at });
  await recordTraits(trx, obs);
};

const syncIdentifiers = async (trx: Trx, customerId: string, fields: ReturnType<typeof normalized>, now: Date) => {
  for (const [key, type] of Object.entries({ phone: 'phone', email: 'email', member_no: 'member_no' } as const)) {
    if (!(key in fields)) continue;
    const value = fields[key as keyof typeof fields];
    await trx.deleteFrom('customer_identifier').where('customer_id', '=', customerId).where('type', '=', type).where('source', '=', 'manual').execute();
    if (value) {
      await trx
        .insertInto('customer_identifier')
        .values({ customer_id: customerId, type, value, source: 'manual', created_at: now })
        .onConflict((oc) => oc.doNothing())
        .execute();
    }
  }
};

export const createCustomer = async (trx: Trx, clock: Clock, actor: Actor, input: CustomerFields & { displayName: string }): Promise<CustomerDetail> => {
  const fields = normalized(input);
  if (fields.member_no) await assertMemberNoFree(trx, fields.member_no, null);
  const now = clock.now();
  const id = newId('cus', now);
  await trx
    .insertInto('customer')
    .values({
      id,
      display_name: fields.display_name ?? input.displayName,
      phone: fields.phone ?? null,
      email: fields.email ?? null,
      member_no: fields.member_no ?? null,
      attributes: JSON.stringify(input.attributes ?? {}),
      source: 'manual',
      created_at: now,
      updated_at: now,
    })
    .execute();
  await trx.insertInto('customer_stats').values({ customer_id: id, first_order_at: null, last_order_at: null }).execute();
  await syncIdentifiers(trx, id, fields, now);
  await recordConsoleTraits(trx, id, fields, input.attributes, now);
  const changed = Object.keys(input).filter((k) => input[k as keyof CustomerFields] !== undefined);
  await recordAudit(trx, clock, actor, { action: 'customer.create', subjectType: 'customer', subjectId: id, details: { fields: changed } });
  await publish(trx, { topic: 'customer.created', customerId: id, payload: { customerId: id, source: 'manual' } });
  return loadCustomerDetail(trx, actor, id);
};

export const updateCustomer = async (trx: Trx, clock: Clock, actor: Actor, id: string, input: CustomerFields): Promise<CustomerDetail> => {
  const current = await trx.selectFrom('customer').select(['id', 'attributes']).where('id', '=', id).forUpdate().executeTakeFirst();
  if (!current) throw new AppError('customers.not_found', `no customer ${id}`);
  const fields = normalized(input);
  if (fields.member_no) await assertMemberNoFree(trx, fields.member_no, id);
  const now = clock.now();
  await trx
    .updateTable('customer')
    .set({
      ...fields,
      ...(input.attributes !== undefined ? { attributes: JSON.stringify({ ...current.attributes, ...input.attributes }) } : {}),
      updated_at: now,
    })
    .where('id', '=', id)
    .execute();
  await syncIdentifiers(trx, id, fields, now);
  await recordConsoleTraits(trx, id, fields, input.attributes, now);
  const changed = Object.keys(input).filter((k) => input[k as keyof CustomerFields] !== undefined);
  await recordAudit(trx, clock, actor, { action: 'customer.update', subjectType: 'customer', subjectId: id, details: { fields: changed } });
  await publish(trx, { topic: 'customer.updated', customerId: id, payload: { customerId: id, fields: changed } });
  return loadCustomerDetail(trx, actor, id);
};

import { sql } from 'kysely';
import { DEFAULT_IDENTITY_RULES, reresolveAll } from '../src/modules/identity/index.ts';
import { systemClock } from '../src/platform/clock.ts';
import type { Db } from '../src/platform/db.ts';

export type IdentityResult = {
  customers: number;
  duplicatesPlanted: number;
  generateSeconds: number;
  dryRunSeconds: number;
  applySeconds: number;
  duplicatesFound: number;
  iterations: number;
};

/**
 * Identity resolution over `customers` records of which 20% are second records of an existing person
 * (sharing an email or a phone, as a second channel would), generated set-based. Times a full dry run
 * (the duplicate-rate measurement) and a full re-resolution that merges them.
 */
export const runIdentityResolution = async (
  db: Db,
  customers: number,
  onProgress: (p: { phase: string; done: number; total: number }) => void,
): Promise<IdentityResult> => {
  const persons = Math.round(customers * 0.8);
  const t0 = Date.now();
  const batch = 100_000;
  for (let from = 0; from < customers; from += batch) {
    const to = Math.min(customers, from + batch);
    await db.transaction().execute(async (trx) => {
      await sql`set local synchronous_commit = off`.execute(trx);
      // Record i < persons is person i; record i >= persons is a second record of person (i * 7919) % persons.
      await sql`
        insert into customer (id, display_name, source, attributes, created_at, updated_at)
        select gx_id('cus', timestamptz '2025-01-01' + (i || ' seconds')::interval, 'idbench:' || i), 'Bench ' || i, 'idbench', '{}'::jsonb,
               timestamptz '2025-01-01' + (i || ' seconds')::interval, timestamptz '2025-01-01' + (i || ' seconds')::interval
        from generate_series(${from}::int, ${to - 1}::int) as i`.execute(trx);
      await sql`
        insert into customer_identifier (customer_id, type, value, source, created_at)
        select gx_id('cus', timestamptz '2025-01-01' + (i || ' seconds')::interval, 'idbench:' || i), x.type, x.value, 'idbench', now()
        from generate_series(${from}::int, ${to - 1}::int) as i
        cross join lateral (
          select case when i < ${persons} then i else (i::bigint * 7919) % ${persons} end as p
        ) person
        cross join lateral (values
          ('email', 'p' || person.p || '@idbench.example'),
          ('phone', '+86139' || lpad(person.p::text, 8, '0')),
          ('anonymous_id', 'anon-' || i)
        ) as x(type, value)
        -- a second record knows the person by one channel only: email for odd, phone for even records
        where i < ${persons} or x.type = 'anonymous_id' or (x.type = case when i % 2 = 1 then 'email' else 'phone' end)`.execute(trx);
    });
    onProgress({ phase: 'generating', done: to, total: customers });
  }
  await sql`analyze customer`.execute(db);
  await sql`analyze customer_identifier`.execute(db);
  const generateSeconds = (Date.now() - t0) / 1000;

  const dry = await reresolveAll(db, systemClock, DEFAULT_IDENTITY_RULES, {
    apply: false,
    onProgress: (phase, done, total) => onProgress({ phase, done, total }),
  });
  const applied = await reresolveAll(db, systemClock, DEFAULT_IDENTITY_RULES, {
    apply: true,
    onProgress: (phase, done, total) => onProgress({ phase, done, total }),
  });
  return {
    customers,
    duplicatesPlanted: customers - persons,
    generateSeconds,
    dryRunSeconds: dry.seconds,
    applySeconds: applied.seconds,
    duplicatesFound: dry.duplicates,
    iterations: dry.iterations,
  };
};

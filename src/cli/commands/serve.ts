import { demoSteps } from '../../demo-steps.ts';
import { cliActor, createUser, ROLES, type Role } from '../../modules/auth/index.ts';
import { clearDemoData, generateDemoData, hasDemoData } from '../../modules/customers/demo/generate-demo-data.ts';
import { systemClock } from '../../platform/clock.ts';
import { loadConfig } from '../../platform/config.ts';
import { openDatabase } from '../../platform/database.ts';
import type { Db } from '../../platform/db.ts';
import { createLogger } from '../../platform/logger.ts';
import { startServer, stopOnSignals } from '../../server.ts';
import { progressReporter } from '../progress.ts';

const boot = async () => {
  const config = loadConfig();
  const logger = createLogger(config.logLevel, process.stdout.isTTY);
  const database = await openDatabase(config, logger);
  return { config, logger, database };
};

export const start = async (): Promise<void> => {
  const { config, logger, database } = await boot();
  const server = await startServer(config, logger, database).catch(async (e) => {
    await database.shutdown();
    throw e;
  });
  stopOnSignals(server.stop, logger);
  process.stdout.write(`\nGuanxi is running at ${server.url}  (API docs: ${server.url}/docs)\n`);
};

/** One demo user per role, so each role's view of the console can be tried. */
const ensureDemoUsers = async (db: Db, email: string, password: string): Promise<void> => {
  const [local, domain] = email.split('@');
  for (const role of ROLES) {
    const address = role === 'admin' ? email : `${role}@${domain ?? 'demo.guanxi.local'}`;
    const exists = await db.selectFrom('auth_user').select('id').where('email', '=', address).executeTakeFirst();
    if (exists) continue;
    await db.transaction().execute((trx) =>
      createUser(trx, systemClock, cliActor('guanxi demo'), {
        email: address,
        displayName: role === 'admin' ? `Demo ${local ?? 'admin'}` : `Demo ${role}`,
        role: role as Role,
        password,
      }),
    );
  }
};

export const demo = async (opts: { customers: number; seed: string; regenerate?: boolean }): Promise<void> => {
  const { config, logger, database } = await boot();
  try {
    if (opts.regenerate) await clearDemoData(database.db);
    if (opts.regenerate || !(await hasDemoData(database.db))) {
      const progress = progressReporter('generating demo company');
      const summary = await generateDemoData(database.db, {
        customers: opts.customers,
        seed: opts.seed,
        now: new Date(),
        onProgress: (p) => progress.update(p.done, p.total, p.phase),
      });
      progress.stop();
      process.stdout.write(
        `demo company: ${summary.customers} customers (${summary.records} records across channels, ${summary.events} anonymous events), ${summary.orders} orders (${summary.orderLines} lines, ${summary.refunds} refunds) in ${summary.seconds.toFixed(1)} s\n`,
      );
    } else {
      process.stdout.write('demo data found; reusing it (pass --regenerate to build it again)\n');
    }
    await ensureDemoUsers(database.db, config.demoAdmin.email, config.demoAdmin.password);
    for (const step of demoSteps()) {
      const started = performance.now();
      await step.run({ db: database.db, clock: systemClock, config, logger });
      process.stdout.write(`${step.name}: done in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
    }
  } catch (e) {
    await database.shutdown();
    throw e;
  }
  const server = await startServer(config, logger, database).catch(async (e) => {
    await database.shutdown();
    throw e;
  });
  stopOnSignals(server.stop, logger);
  const domain = config.demoAdmin.email.split('@')[1];
  process.stdout.write(
    [
      '',
      `Guanxi is running at ${server.url}  (API docs: ${server.url}/docs)`,
      `Sign in as ${config.demoAdmin.email} / ${config.demoAdmin.password}`,
      `Other roles: operator@${domain}, analyst@${domain}, agent@${domain}, auditor@${domain} (same password)`,
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
};

export const migrate = async (): Promise<void> => {
  const config = loadConfig();
  const logger = createLogger('info', process.stdout.isTTY);
  const database = await openDatabase(config, logger);
  await database.shutdown();
  process.stdout.write('database is at the latest migration\n');
};

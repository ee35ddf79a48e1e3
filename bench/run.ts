import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { buildApp } from '../src/http/app.ts';
import { clearDemoData } from '../src/modules/customers/demo/generate-demo-data.ts';
import { systemClock } from '../src/platform/clock.ts';
import { loadConfig } from '../src/platform/config.ts';
import { createLogger } from '../src/platform/logger.ts';
import { type BenchDatabase, openBenchDatabase } from './bench-database.ts';
import { runClvFit } from './clv.scenario.ts';
import { runCustomerApi } from './customer-api.scenario.ts';
import { runDemoGeneration } from './demo-generation.scenario.ts';
import { runIdentityResolution } from './identity.scenario.ts';
import { importScenario } from './import.scenario.ts';
import { ingestScenario } from './ingest.scenario.ts';
import { runLoyalty } from './loyalty.scenario.ts';
import { type BenchReport, formatReport, machineInfo, writeReport } from './report.ts';
import { runRfmBench } from './rfm.scenario.ts';
import { runScoring } from './scoring.scenario.ts';

const ArgsSchema = z.object({
  customers: z.coerce.number().int().min(1).max(1_000_000).default(100_000),
  only: z.enum(['demo', 'api', 'identity', 'clv', 'ingest', 'import', 'loyalty', 'scoring', 'rfm']).optional(),
  events: z.coerce.number().int().min(1000).max(10_000_000).default(200_000),
  importRows: z.coerce.number().int().min(1000).max(10_000_000).default(1_000_000),
  identityCustomers: z.coerce.number().int().min(1000).max(5_000_000).default(1_000_000),
  connections: z.coerce.number().int().min(1).max(200).default(20),
  seconds: z.coerce.number().int().min(1).max(120).default(10),
  loyaltyAccounts: z.coerce.number().int().min(1000).max(5_000_000).default(1_000_000),
  scoringCustomers: z.coerce.number().int().min(1000).max(2_000_000).default(1_000_000),
  rfmCustomers: z.coerce.number().int().min(1000).max(2_000_000).default(1_000_000),
});

const usage =
  'usage: npm run bench -- [--customers N] [--only demo|api|identity|clv|ingest|import|loyalty|scoring|rfm] [--connections 20] [--seconds 10] [--identity-customers N] [--events N] [--import-rows N] [--loyalty-accounts N] [--scoring-customers N] [--rfm-customers N]';

const status = (line: string) => process.stderr.write(`${line}\n`);

const progressPrinter = () => {
  let last = '';
  return (p: { phase: string; done: number; total: number }) => {
    const step = `${p.phase} ${Math.floor((p.done / p.total) * 10) * 10}%`;
    if (step !== last) status(`  ${step}`);
    last = step;
  };
};

const demoCustomerCount = async (database: BenchDatabase): Promise<number> => {
  const { rows } = await database.pool.query<{ n: string }>(`select count(*) as n from customer where source = 'demo'`);
  return Number(rows[0]?.n ?? 0);
};

const main = async (): Promise<void> => {
  const { values } = parseArgs({
    options: {
      customers: { type: 'string' },
      only: { type: 'string' },
      connections: { type: 'string' },
      seconds: { type: 'string' },
      'identity-customers': { type: 'string' },
      events: { type: 'string' },
      'import-rows': { type: 'string' },
      'scoring-customers': { type: 'string' },
      'rfm-customers': { type: 'string' },
      'loyalty-accounts': { type: 'string' },
    },
    strict: true,
  });
  const parsed = ArgsSchema.safeParse({
    ...values,
    identityCustomers: values['identity-customers'],
    importRows: values['import-rows'],
    loyaltyAccounts: values['loyalty-accounts'],
    scoringCustomers: values['scoring-customers'],
    rfmCustomers: values['rfm-customers'],
  });
  if (!parsed.success) throw new Error(`${parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('\n')}\n${usage}`);
  const args = parsed.data;

  const startedAt = new Date().toISOString();
  const logger = createLogger(process.env.GUANXI_LOG_LEVEL ?? 'warn');
  const fresh = args.only !== 'api';
  const runs = (scenario: 'demo' | 'api' | 'identity' | 'clv' | 'ingest' | 'import' | 'loyalty' | 'scoring' | 'rfm') => !args.only || args.only === scenario;
  status(fresh ? 'bench: starting a fresh database' : 'bench: opening the bench database');
  const database = await openBenchDatabase({ fresh, logger });
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await database.shutdown();
  };
  // Ctrl-C: shut the embedded PostgreSQL down instead of leaving it running.
  process.once('SIGINT', () => {
    stop().finally(() => process.exit(130));
  });

  try {
    const report: BenchReport = {
      startedAt,
      finishedAt: startedAt,
      machine: machineInfo(),
      database: { kind: database.embedded ? 'embedded' : 'external', serverVersion: database.serverVersion, poolSize: database.config.dbPoolSize },
      options: { customers: args.customers, only: args.only ?? 'all', connections: args.connections, seconds: args.seconds },
    };

    if (runs('clv')) {
      status('bench: BG/NBD + Gamma-Gamma fit, 1,000,000 simulated customers');
      report.scenarios = { ...report.scenarios, 'CLV fit (BG/NBD + Gamma-Gamma)': runClvFit(1_000_000) };
    }
    if (
      args.only === 'identity' ||
      args.only === 'clv' ||
      args.only === 'ingest' ||
      args.only === 'import' ||
      args.only === 'loyalty' ||
      args.only === 'scoring' ||
      args.only === 'rfm'
    ) {
      // These scenarios need no demo company.
    } else if (args.only !== 'api') {
      status(`bench: demo generation, ${args.customers} customers`);
      report.demo = await runDemoGeneration(database.db, args.customers, progressPrinter());
    } else if ((await demoCustomerCount(database)) !== args.customers) {
      status(`bench: preparing ${args.customers} demo customers (not timed as a scenario)`);
      await clearDemoData(database.db);
      const prepared = await runDemoGeneration(database.db, args.customers, progressPrinter());
      report.preparedData = { customers: prepared.customers, seconds: prepared.seconds };
    }

    if (runs('api')) {
      status(`bench: customer API, ${args.connections} clients, ${args.seconds} s per endpoint`);
      report.api = await runCustomerApi(database.db, database.config, {
        connections: args.connections,
        seconds: args.seconds,
        onEndpoint: (name) => status(`  ${name}`),
      });
    }

    // Last: it adds its own customers, which would change the API scenario's data.
    if (runs('identity')) {
      status(`bench: identity resolution over ${args.identityCustomers} customers with 20% duplicates`);
      report.scenarios = {
        ...report.scenarios,
        'Identity re-resolution': await runIdentityResolution(database.db, args.identityCustomers, progressPrinter()),
      };
    }

    if (runs('ingest')) {
      status(`bench: tracking API ingest, ${args.events} events in batches of 100, next to COPY`);
      // The scenario sends far more than a production key's per-minute budget.
      const config = loadConfig({ ...process.env, DATABASE_URL: database.url, GUANXI_API_RATE_PER_MINUTE: '100000000', GUANXI_LOG_LEVEL: 'silent' });
      const app = await buildApp({ db: database.db, clock: systemClock, config, logger: createLogger('silent') }, { serveConsole: false });
      try {
        await app.listen({ host: '127.0.0.1', port: 0 });
        const baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
        report.scenarios = {
          ...report.scenarios,
          'Tracking API ingest': await ingestScenario({ baseUrl, db: database.db, pool: database.pool, events: args.events }),
        };
      } finally {
        await app.close();
      }
    }

    if (runs('import')) {
      status(`bench: CSV import of ${args.importRows} order rows, next to COPY`);
      report.scenarios = {
        ...report.scenarios,
        'CSV import (orders)': await importScenario({ db: database.db, pool: database.pool, rows: args.importRows, dir: '.guanxi/bench-import' }),
      };
    }

    if (runs('rfm')) {
      status(`bench: RFM + tiers + lifecycle over ${args.rfmCustomers} customers (~10 orders each), next to the same computation as raw SQL`);
      report.scenarios = {
        ...report.scenarios,
        'RFM + tiers + lifecycle': await runRfmBench(database.db, database.pool, args.rfmCustomers, progressPrinter()),
      };
    }

    if (runs('scoring')) {
      status(`bench: CLV + churn scoring end to end over ${args.scoringCustomers} customers (SQL summary, fit, holdout, scores written)`);
      report.scenarios = {
        ...report.scenarios,
        'Scoring (CLV, value × potential, churn)': await runScoring(database.db, logger, args.scoringCustomers, progressPrinter()),
      };
    }

    if (runs('loyalty')) {
      status(`bench: loyalty ledger, ${args.loyaltyAccounts} accounts, award and redeem with 50 clients, reconcile`);
      report.scenarios = {
        ...report.scenarios,
        'Loyalty points ledger': await runLoyalty(database.url, database.db, {
          accounts: args.loyaltyAccounts,
          clients: 50,
          seconds: args.seconds,
          onProgress: progressPrinter(),
        }),
      };
    }

    report.finishedAt = new Date().toISOString();
    const file = writeReport(report);
    process.stdout.write(`\n${formatReport(report)}\nresults: ${file}\n`);
  } finally {
    await stop();
  }
};

main().catch((e: unknown) => {
  process.stderr.write(`bench failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});

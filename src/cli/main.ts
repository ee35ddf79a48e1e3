import { Command, InvalidArgumentError } from 'commander';
import { ConfigError } from '../platform/config.ts';
import { isAppError } from '../platform/errors.ts';
import { exitCodeFor } from './exit-codes.ts';

const positiveInt = (max: number) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new InvalidArgumentError(`a whole number from 1 to ${max}`);
  return n;
};

// Commands load lazily: `guanxi audit verify` should not pay for (or depend on) the server's imports.
// A usage error (unknown option, bad option value) exits 64 (EX_USAGE), as the commands' own input errors do;
// help and version exit 0. Subcommands inherit this.
const program = new Command('guanxi')
  .description('Guanxi — customer relationship operations')
  .showHelpAfterError()
  .exitOverride((e) => process.exit(e.exitCode === 0 ? 0 : 64));

program
  .command('start')
  .description('serve the API and console (embedded PostgreSQL unless DATABASE_URL is set)')
  .action(async () => (await import('./commands/serve.ts')).start());

program
  .command('demo')
  .description('generate a demo company (once) and serve it')
  .option('--customers <n>', 'customers to generate', positiveInt(1_000_000), 10_000)
  .option('--seed <seed>', 'same seed, same data', 'guanxi')
  .option('--regenerate', 'throw away the demo data and generate it again')
  .action(async (opts) => (await import('./commands/serve.ts')).demo(opts));

program
  .command('db:migrate')
  .description('apply database migrations')
  .action(async () => (await import('./commands/serve.ts')).migrate());

const admin = program.command('admin').description('console users');
admin
  .command('create')
  .description('create a console user (the first admin, typically)')
  .requiredOption('--email <email>')
  .requiredOption('--name <name>')
  .option('--role <role>', 'admin | operator | analyst | agent | auditor', 'admin')
  .option('--password <password>', 'or GUANXI_ADMIN_PASSWORD, or asked on the terminal')
  .action(async (opts) => (await import('./commands/admin.ts')).adminCreate(opts));

program
  .command('users')
  .description('console users')
  .command('list')
  .option('--json')
  .description('list console users')
  .action(async (opts) => (await import('./commands/admin.ts')).usersList(opts));

program
  .command('audit')
  .description('audit log')
  .command('verify')
  .description('verify the audit hash chain; names modified or deleted rows')
  .action(async () => (await import('./commands/audit.ts')).auditVerify());

const identity = program.command('identity').description('identity resolution');
identity
  .command('reresolve')
  .description('re-run identity resolution over all customers (a dry run unless --apply)')
  .option('--apply', 'merge what the rules link')
  .action(async (opts) => (await import('./commands/identity.ts')).identityReresolve(opts));
identity
  .command('metrics')
  .option('--json')
  .description('identity link rate and duplicate rate')
  .action(async (opts) => (await import('./commands/identity.ts')).identityShowMetrics(opts));

program
  .command('import')
  .description('import a CSV or JSONL file (encoding detected; `-` reads stdin): customers | orders | refunds | tickets | messages')
  .argument('<kind>', 'customers | orders | refunds | tickets | messages')
  .argument('<file>', 'a .csv/.tsv/.jsonl file, optionally .gz')
  .option('--source <source>', 'where the file comes from (ids are unique per source; the mapping is saved per source)', 'import')
  .option('--mapping <pairs>', 'column=field,... (or JSON); completes the saved mapping and suggestions by column name')
  .option('--report <file>', 'write every rejected row (line, column, value, reason) to this CSV')
  .option('--timezone <zone>', 'for times without an offset', 'Asia/Shanghai')
  .option('--date-order <order>', 'ymd | mdy | dmy: day and month order of dates like 01/02/2024 (saved with the mapping)', (v: string) => {
    if (!['ymd', 'mdy', 'dmy'].includes(v)) throw new InvalidArgumentError('ymd, mdy or dmy');
    return v;
  })
  .option('--currency <code>', 'for amounts without a currency column', 'CNY')
  .option('--batch-size <n>', 'rows per transaction', positiveInt(50_000))
  .option('--parallel <n>', 'transactions written at once, each on its own connection (orders, customers: 2 by default; other kinds: 1)', positiveInt(64))
  .action(async (kind, file, opts) => (await import('./commands/import.ts')).importCommand(kind, file, opts));

const loyalty = program.command('loyalty').description('membership and points');
loyalty
  .command('reconcile')
  .option('--json')
  .description('prove every balance equals the sum of its ledger; names any account that does not (exit 65)')
  .action(async (opts) => (await import('./commands/loyalty.ts')).loyaltyReconcile(opts));
loyalty
  .command('expire')
  .description('expire points whose lots are due (the nightly job does the same)')
  .action(async () => (await import('./commands/loyalty.ts')).loyaltyExpire());
loyalty
  .command('sync')
  .description('earn points for new orders, reverse refunded ones, evaluate tiers (the job does the same)')
  .action(async () => (await import('./commands/loyalty.ts')).loyaltySync());
loyalty
  .command('grant')
  .description('bulk grant to customers; above the threshold a second person approves; --resume ID runs an approved grant')
  .option('--points <n>', 'points per customer', positiveInt(10_000_000))
  .option('--reason <text>')
  .option('--title <text>')
  .option('--customers <ids>', 'comma-separated customer ids')
  .option('--file <path>', 'customer ids, one per line')
  .option('--resume <grantId>', 'run (or resume after a crash) an approved grant')
  .option('--batch-size <n>', 'customers per transaction', positiveInt(10_000))
  .action(async (opts) => (await import('./commands/loyalty.ts')).loyaltyGrant(opts));

// Other intelligence commands may register the same group; reuse it.
const intelligence = program.commands.find((c) => c.name() === 'intelligence') ?? program.command('intelligence').description('customer intelligence');
intelligence
  .command('score')
  .description('fit and store CLV (BG/NBD + Gamma-Gamma, value × potential) and churn-risk scores now; both unless --only')
  .option('--only <kind>', 'clv | churn')
  .option('--calibration-end <date>', 'CLV: last day of the calibration period (YYYY-MM-DD, default today)')
  .option('--json', 'print the runs with their diagnostics as JSON')
  .action(async (opts) => (await import('./commands/scoring.ts')).intelligenceScore(opts));

const segmentation = program.commands.find((c) => c.name() === 'intelligence') ?? program.command('intelligence').description('customer intelligence');
segmentation
  .command('retier')
  .description('compute RFM scores, tiers (active scheme) and lifecycle stages of every customer now; records and emits tier changes')
  .option('--json', 'print the run as JSON')
  .action(async (opts) => (await import('./commands/segmentation.ts')).intelligenceRetier(opts));

program.parseAsync(process.argv).catch((e: unknown) => {
  if (isAppError(e)) {
    process.stderr.write(`error: ${e.message} [${e.code}]\n`);
    for (const f of e.fields ?? []) process.stderr.write(`  ${f.path}: ${f.message}\n`);
    process.exit(exitCodeFor(e.code));
  }
  if (e instanceof ConfigError) {
    process.stderr.write(`${e.message}\n`);
    process.exit(78);
  }
  process.stderr.write(`error: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(70);
});

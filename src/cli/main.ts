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
const program = new Command('guanxi').description('Guanxi — customer relationship operations').showHelpAfterError();

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
  .option('--currency <code>', 'for amounts without a currency column', 'CNY')
  .option('--batch-size <n>', 'rows per transaction', positiveInt(50_000))
  .action(async (kind, file, opts) => (await import('./commands/import.ts')).importCommand(kind, file, opts));

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

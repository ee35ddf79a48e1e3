import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { useTestDb } from '../../test/test-db.ts';

const exec = promisify(execFile);

describe('guanxi import', () => {
  const db = useTestDb();
  const dir = mkdtempSync(path.join(tmpdir(), 'gx-import-'));
  const guanxi = (args: string[]) =>
    exec('node', ['bin/guanxi.js', 'import', ...args], { env: { ...process.env, DATABASE_URL: db().url } }).then(
      (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
    );

  it('imports a file, prints the summary and writes every rejected row to --report', async () => {
    const report = path.join(dir, 'errors.csv');
    const res = await guanxi([
      'orders',
      '../shared/data/online-retail/france.csv',
      '--source',
      'uci',
      '--mapping',
      'Country=ignore',
      '--timezone',
      'Europe/London',
      '--currency',
      'GBP',
      '--report',
      report,
      // Orders and customers in chunks of 100, three written at once.
      '--batch-size',
      '10',
      '--parallel',
      '3',
    ]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(
      /imp_[0-9a-f]{28}: orders from france\.csv \(csv, utf-8\) into source uci\n8,557 rows: 8,\d{3} stored, 0 duplicates, \d+ rejected in/,
    );
    expect(res.stdout).toContain('line 3469 CustomerID: no customer identifier');
    expect(res.stdout).toContain(`rejected rows: ${report}`);
    const lines = readFileSync(report, 'utf8').split('\r\n');
    expect(lines[0]).toBe('\uFEFFrow,field,value,reason');
    expect(lines.filter((l) => l.includes(',CustomerID,'))).toHaveLength(66);
    const orders = await db()
      .db.selectFrom('customer_order')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(orders.n)).toBeGreaterThan(300);
  });

  it('refuses an unknown kind, a missing file and an empty one with distinct exit codes', async () => {
    const kind = await guanxi(['invoices', 'x.csv']);
    expect(kind.code).toBe(64);
    expect(kind.stderr).toContain('unknown kind "invoices"; one of customers, orders, refunds, tickets, messages');
    const missing = await guanxi(['orders', path.join(dir, 'nope.csv')]);
    expect(missing.code).toBe(66);
    expect(missing.stderr).toContain('ENOENT');
    const lanes = await guanxi(['orders', 'x.csv', '--parallel', '0']);
    expect(lanes.code).toBe(64);
    expect(lanes.stderr).toContain('--parallel');
    const empty = path.join(dir, 'empty.csv');
    writeFileSync(empty, '');
    const res = await guanxi(['customers', empty]);
    expect(res.code).toBe(65);
    expect(res.stderr).toContain('the file is empty [ingest.invalid_file]');
  });
});

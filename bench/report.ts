import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EndpointResult } from './customer-api.scenario.ts';
import type { DemoGenerationResult } from './demo-generation.scenario.ts';

export type BenchReport = {
  startedAt: string;
  finishedAt: string;
  machine: { cpus: number; cpuModel: string; memoryGb: number; platform: string; node: string };
  database: { kind: 'embedded' | 'external'; serverVersion: string; poolSize: number };
  options: { customers: number; only: string; connections: number; seconds: number };
  demo?: DemoGenerationResult;
  /** Set when the API scenario ran without a timed generation (`--only api`). */
  preparedData?: { customers: number; seconds: number };
  api?: EndpointResult[];
  /** Further scenarios (identity, CLV fit, ingest, import): one flat record of figures each. */
  scenarios?: Record<string, Record<string, number | string | boolean>>;
};

export const RESULTS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results');

export const machineInfo = (): BenchReport['machine'] => ({
  cpus: os.cpus().length,
  cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
  memoryGb: Math.round(os.totalmem() / 2 ** 30),
  platform: `${os.platform()} ${os.release()}`,
  node: process.version,
});

/** Writes `results/<timestamp>.json` and `results/latest.json`; returns the first path. */
export const writeReport = (report: BenchReport): string => {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const json = `${JSON.stringify(report, null, 2)}\n`;
  const file = path.join(RESULTS_DIR, `${report.startedAt.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, json);
  writeFileSync(path.join(RESULTS_DIR, 'latest.json'), json);
  return file;
};

const n = (v: number) => v.toLocaleString('en-US');

const table = (header: string[], rows: string[][]): string => {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].map((l) => `  ${l}`).join('\n');
};

export const formatReport = (r: BenchReport): string => {
  const out = [
    `Guanxi bench ${r.startedAt}`,
    `  ${r.machine.cpus} × ${r.machine.cpuModel}, ${r.machine.memoryGb} GB, Node ${r.machine.node}; PostgreSQL ${r.database.serverVersion} (${r.database.kind}), pool ${r.database.poolSize}`,
    '',
  ];
  if (r.demo) {
    const d = r.demo;
    out.push(`Demo generation: ${n(d.customers)} customers into a fresh database`);
    out.push(
      table(
        ['seconds', 'customers/s', 'orders/s', 'rows/s', 'orders', 'order lines', 'refunds', 'phases done at (s)'],
        [
          [
            d.seconds.toFixed(1),
            n(d.customersPerSecond),
            n(d.ordersPerSecond),
            n(d.rowsPerSecond),
            n(d.orders),
            n(d.orderLines),
            n(d.refunds),
            Object.entries(d.phaseEnds)
              .map(([k, v]) => `${k} ${v}`)
              .join(', '),
          ],
        ],
      ),
    );
    out.push('  (rows = customers + orders + order lines)', '');
  }
  if (r.preparedData) out.push(`Data prepared (not timed as a scenario): ${n(r.preparedData.customers)} demo customers in ${r.preparedData.seconds} s`, '');
  if (r.api) {
    out.push(`Customer API: ${n(r.options.customers)} customers, ${r.options.connections} concurrent clients, ${r.options.seconds} s per endpoint`);
    out.push(
      table(
        ['endpoint', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'requests', 'non-2xx', 'errors'],
        r.api.map((a) => [
          a.name,
          n(a.requestsPerSecond),
          a.latencyMs.p50.toFixed(1),
          a.latencyMs.p95.toFixed(1),
          a.latencyMs.p99.toFixed(1),
          a.latencyMs.max.toFixed(0),
          n(a.requests),
          n(a.non2xx),
          n(a.errors),
        ]),
      ),
    );
    out.push('');
  }
  for (const [name, figures] of Object.entries(r.scenarios ?? {})) {
    out.push(`${name}:`);
    out.push(
      table(
        ['figure', 'value'],
        Object.entries(figures).map(([k, v]) => [k, typeof v === 'number' ? (Number.isInteger(v) ? n(v) : v.toFixed(3)) : String(v)]),
      ),
    );
    out.push('');
  }
  return out.join('\n');
};

import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Worker } from 'node:worker_threads';
import type pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { cliActor, createApiKey } from '../src/modules/auth/index.ts';
import { ensureSource } from '../src/modules/ingest/sources.ts';
import { resolveInbox } from '../src/modules/ingest/track/resolve-inbox.ts';
import { systemClock } from '../src/platform/clock.ts';
import type { Db } from '../src/platform/db.ts';

export type IngestScenarioOptions = {
  /** The running server, e.g. `http://127.0.0.1:4300`. */
  baseUrl: string;
  db: Db;
  pool: pg.Pool;
  /** Events to send, in batches of 100 (default 200,000). */
  events: number;
  /** Concurrent senders (default 10). */
  senders?: number;
  /** Events per request (default 100). */
  batchSize?: number;
  /** Resolve identities alongside, as the server's worker does (default true); false measures acceptance alone. */
  resolver?: boolean;
  onProgress?: (p: { phase: string; done: number; total: number }) => void;
};

const SOURCE = 'bench-ingest';

const percentile = (sorted: number[], p: number) => (sorted.length === 0 ? 0 : (sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? 0));
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

const CITIES = ['上海', '北京', '杭州', '深圳', '成都', '广州', '南京', '武汉'];
const PAGES = ['/', '/products/tea', '/products/teaware', '/cart', '/checkout', '/account', '/search?q=乌龙', '/activity/spring'];
const EVENTS = ['Product Viewed', 'Product Added', 'Checkout Started', 'Order Completed', 'Coupon Applied', 'Search Performed'];

/** A web/app shop's traffic: 20,000 visitors, mostly page views and product events, 5 % identifies with traits. */
export const makeBatches = (events: number, size: number): string[] => {
  const users = Math.max(100, Math.min(20_000, Math.floor(events / 10)));
  const start = Date.parse('2026-06-01T00:00:00Z');
  const batches: string[] = [];
  for (let b = 0; b * size < events; b++) {
    const batch: unknown[] = [];
    for (let i = 0; i < size && b * size + i < events; i++) {
      const n = b * size + i;
      const u = (n * 7919) % users;
      const known = u % 3 !== 0;
      const ids = known ? { userId: `user-${u}`, anonymousId: `anon-${u}` } : { anonymousId: `anon-${u}` };
      const page = PAGES[n % PAGES.length] as string;
      const context = {
        library: { name: '@segment/analytics-node', version: '3.1.0' },
        ip: `10.${u % 250}.${(u >> 8) % 250}.${n % 250}`,
        userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 MicroMessenger/8.0.47',
        locale: 'zh-CN',
        page: { path: page, url: `https://shop.example.cn${page}`, referrer: 'https://www.baidu.com/', title: '茶叶商城' },
      };
      const timestamp = new Date(start + n * 1000).toISOString();
      const kind = n % 20;
      if (kind === 0 && known) {
        batch.push({
          type: 'identify',
          messageId: randomUUID(),
          ...ids,
          timestamp,
          context,
          traits: {
            email: `user${u}@example.cn`,
            phone: `1380000${String(u).padStart(4, '0')}`,
            name: `用户${u}`,
            city: CITIES[u % CITIES.length],
            plan: u % 5 === 0 ? 'vip' : 'basic',
          },
        });
      } else if (kind < 8) {
        batch.push({
          type: 'page',
          messageId: randomUUID(),
          ...ids,
          timestamp,
          context,
          name: page,
          properties: { path: page, title: '茶叶商城', referrer: context.page.referrer },
        });
      } else {
        const event = EVENTS[n % EVENTS.length] as string;
        batch.push({
          type: 'track',
          messageId: randomUUID(),
          ...ids,
          timestamp,
          context,
          event,
          properties: {
            product_id: `SKU-${n % 500}`,
            name: '明前龙井 250g',
            category: '绿茶',
            price: 128 + (n % 50),
            quantity: 1 + (n % 3),
            currency: 'CNY',
            coupon: n % 7 === 0 ? 'SPRING' : null,
          },
        });
      }
    }
    batches.push(JSON.stringify({ batch, sentAt: new Date().toISOString() }));
  }
  return batches;
};

// The senders run in a worker thread with their own event loop (as SDKs run in other processes), so that the
// load generator does not take the server's event loop; node:http with keep-alive, one socket per sender.
const SENDER = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const { url, authorization, batches, senders } = workerData;
const agent = new http.Agent({ keepAlive: true, maxSockets: senders });
const target = new URL(url);
const post = (body) => new Promise((resolve, reject) => {
  const req = http.request({ agent, host: target.hostname, port: target.port, path: target.pathname, method: 'POST',
    headers: { authorization, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
    res.resume();
    res.on('end', () => resolve(res.statusCode));
    res.on('error', reject);
  });
  req.on('error', reject);
  req.end(body);
});
let next = 0;
let failures = 0;
const latencies = [];
const sender = async () => {
  while (next < batches.length) {
    const body = batches[next++];
    const t0 = performance.now();
    const status = await post(body);
    latencies.push(performance.now() - t0);
    if (status !== 200) failures++;
    if (latencies.length % 100 === 0) parentPort.postMessage({ done: latencies.length });
  }
};
Promise.all(Array.from({ length: senders }, sender)).then(() => {
  agent.destroy();
  parentPort.postMessage({ latencies, failures });
}, (e) => { throw e; });
`;

const send = (url: string, authorization: string, batches: string[], senders: number, onDone: (done: number) => void) =>
  new Promise<{ latencies: number[]; failures: number }>((resolve, reject) => {
    const worker = new Worker(SENDER, { eval: true, workerData: { url, authorization, batches, senders } });
    worker.on('message', (m: { done?: number; latencies?: number[]; failures?: number }) => {
      if (m.latencies) {
        resolve({ latencies: m.latencies, failures: m.failures ?? 0 });
        void worker.terminate();
      } else if (m.done !== undefined) onDone(m.done);
    });
    worker.on('error', reject);
  });

/**
 * CPU time (ms) used so far by each PostgreSQL process serving this pool's server, when it runs on this machine
 * (read from /proc; processes that are not `postgres` are skipped, so a remote server gives none).
 */
const postgresCpuMs = async (pool: pg.Pool): Promise<Map<number, number>> => {
  const { rows } = await pool.query<{ pid: number }>('select pid from pg_stat_activity');
  const cpu = new Map<number, number>();
  for (const { pid } of rows) {
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== 'postgres') continue;
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      cpu.set(pid, (Number(fields[11]) + Number(fields[12])) * 10); // utime + stime, in ticks of 10 ms
    } catch {
      // Not on this machine, or the process ended.
    }
  }
  return cpu;
};

/** CPU used between two readings by the processes alive at the second (idle pool connections that closed used none). */
const cpuSince = (before: Map<number, number>, after: Map<number, number>): number =>
  [...after].reduce((sum, [pid, ms]) => sum + ms - (before.get(pid) ?? 0), 0);

/**
 * Tracking ingest throughput: `events` realistic Segment events through `POST /v1/batch` in batches of 100 (by default),
 * deduplication on, from 10 concurrent senders in a worker thread (p50/p99 batch latency), while the identity
 * resolver drains the inbox alongside in the server's process, as the server's worker does. What is still
 * pending when sending ends is then resolved with nothing else running: `resolverAloneEventsPerSecond` is the
 * resolver's own rate. Then the raw PostgreSQL COPY rate of the very rows it stored, into a scratch copy of
 * `customer_event` (same columns and indexes), measured in the same run. `ratioToCopy` = accepted events/s ÷
 * COPY rows/s (what a sender sees); `resolvedRatioToCopy` = events/s until the last one was resolved into
 * customer_event ÷ COPY rows/s. While the resolver runs alone, the CPU it costs per 1,000 events is measured on
 * both sides: this process (Node) and PostgreSQL's processes (when the server runs on this machine).
 */
export const ingestScenario = async (options: IngestScenarioOptions): Promise<Record<string, number>> => {
  const { baseUrl, db, pool, events } = options;
  const senders = options.senders ?? 10;
  const progress = options.onProgress ?? (() => {});
  const secret = await db.transaction().execute(async (trx) => {
    await ensureSource(trx, { id: SOURCE, name: 'Bench ingest', kind: 'http' }, systemClock.now());
    return (await createApiKey(trx, systemClock, cliActor('bench'), 'bench ingest', { sourceId: SOURCE })).secret;
  });
  const authorization = `Basic ${Buffer.from(`${secret}:`).toString('base64')}`;
  const batches = makeBatches(events, options.batchSize ?? 100);
  const bytes = batches.reduce((a, b) => a + Buffer.byteLength(b), 0);

  let sending = true;
  const resolver = async () => {
    while (sending) {
      // One batch per lane, then look again: once sending ends, the rest is drained and timed alone.
      const { resolved } = await resolveInbox(db, systemClock, { maxMillis: 0 });
      if (resolved === 0) await new Promise((r) => setTimeout(r, 20));
    }
  };
  // GUANXI_BENCH_INGEST_RESOLVER=off measures acceptance alone (the inbox is resolved after sending).
  const withResolver = options.resolver ?? process.env.GUANXI_BENCH_INGEST_RESOLVER !== 'off';
  const resolving = withResolver ? resolver() : Promise.resolve();
  const started = performance.now();
  const { latencies, failures } = await send(`${baseUrl}/v1/batch`, authorization, batches, senders, (done) =>
    progress({ phase: 'ingest', done, total: batches.length }),
  );
  const ingestSeconds = (performance.now() - started) / 1000;
  sending = false;
  const pendingAtEnd = Number((await pool.query<{ n: string }>('select count(*) as n from ingest_inbox where source_id = $1', [SOURCE])).rows[0]?.n);
  await resolving;
  // What is left is resolved with nothing else running: the resolver's own rate.
  progress({ phase: 'resolve', done: 0, total: 1 });
  const drainNodeCpu = process.cpuUsage();
  const drainPgCpuMs = await postgresCpuMs(pool);
  const drainStarted = performance.now();
  const { resolved: drained } = await resolveInbox(db, systemClock);
  const drainSeconds = (performance.now() - drainStarted) / 1000;
  const drainNode = process.cpuUsage(drainNodeCpu);
  const drainPgMs = cpuSince(drainPgCpuMs, await postgresCpuMs(pool));
  const perThousand = (ms: number) => (drained > 0 ? round((ms / drained) * 1000) : 0);
  const resolvedSeconds = (performance.now() - started) / 1000;
  progress({ phase: 'resolve', done: 1, total: 1 });
  if (failures > 0) throw new Error(`${failures} of ${batches.length} batches were not accepted`);

  const client = await pool.connect();
  try {
    const stored = Number((await client.query<{ n: string }>('select count(*) as n from customer_event where source_id = $1', [SOURCE])).rows[0]?.n);
    // The same rows, exported untimed, then COPY'd into a scratch table with customer_event's columns and indexes.
    const chunks: Buffer[] = [];
    for await (const c of client.query(copyTo(`copy (select * from customer_event where source_id = '${SOURCE}') to stdout`))) chunks.push(c as Buffer);
    await client.query('drop table if exists bench_customer_event_copy');
    await client.query('create table bench_customer_event_copy (like customer_event including defaults including indexes)');
    progress({ phase: 'copy', done: 0, total: 1 });
    const copyStarted = performance.now();
    const source = new PassThrough();
    const done = pipeline(source, client.query(copyFrom('copy bench_customer_event_copy from stdin')));
    for (const c of chunks) if (!source.write(c)) await new Promise((r) => source.once('drain', r));
    source.end();
    await done;
    const copySeconds = (performance.now() - copyStarted) / 1000;
    await client.query('drop table bench_customer_event_copy');
    progress({ phase: 'copy', done: 1, total: 1 });

    const sorted = [...latencies].sort((a, b) => a - b);
    const eventsPerSecond = stored / ingestSeconds;
    const resolvedPerSecond = stored / resolvedSeconds;
    const copyRowsPerSecond = stored / copySeconds;
    return {
      events: stored,
      batches: batches.length,
      senders,
      resolverAlongside: withResolver ? 1 : 0,
      requestMegabytes: round(bytes / 1_048_576),
      ingestSeconds: round(ingestSeconds, 2),
      eventsPerSecond: Math.round(eventsPerSecond),
      batchP50Ms: round(percentile(sorted, 0.5)),
      batchP99Ms: round(percentile(sorted, 0.99)),
      pendingWhenSendingEnded: pendingAtEnd,
      resolvedSeconds: round(resolvedSeconds, 2),
      resolvedEventsPerSecond: Math.round(resolvedPerSecond),
      resolverAloneEvents: drained,
      resolverAloneEventsPerSecond: drainSeconds > 0 ? Math.round(drained / drainSeconds) : 0,
      resolverAloneNodeCpuMsPer1kEvents: perThousand((drainNode.user + drainNode.system) / 1000),
      resolverAlonePostgresCpuMsPer1kEvents: perThousand(drainPgMs),
      copySeconds: round(copySeconds, 2),
      copyRowsPerSecond: Math.round(copyRowsPerSecond),
      ratioToCopy: round(eventsPerSecond / copyRowsPerSecond, 2),
      resolvedRatioToCopy: round(resolvedPerSecond / copyRowsPerSecond, 2),
    };
  } finally {
    client.release();
  }
};

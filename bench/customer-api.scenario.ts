import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import autocannon from 'autocannon';
import { sql } from 'kysely';
import { buildApp } from '../src/http/app.ts';
import { cliActor, createUser } from '../src/modules/auth/index.ts';
import { systemClock } from '../src/platform/clock.ts';
import type { Config } from '../src/platform/config.ts';
import type { Db } from '../src/platform/db.ts';
import { createLogger } from '../src/platform/logger.ts';

export type EndpointResult = {
  scenario: 'customer-api';
  name: string;
  path: string;
  connections: number;
  seconds: number;
  requests: number;
  requestsPerSecond: number;
  latencyMs: { mean: number; p50: number; p95: number; p99: number; max: number };
  non2xx: number;
  errors: number;
};

type Endpoint = { name: string; path: string; paths?: string[] };

const HOST = '127.0.0.1'; // loopback only: the bench never listens on a public interface
const WARM_UP_SECONDS = 2;
const DETAIL_SAMPLE = 2_000;

const percentile = (sorted: Float64Array, p: number) =>
  sorted.length === 0 ? 0 : (sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? 0);
const round = (n: number) => Math.round(n * 100) / 100;

/** One autocannon run; latencies are collected per response so that p95 is exact (autocannon reports p97.5). */
const hammer = async (baseUrl: string, cookie: string, endpoint: Endpoint, connections: number, seconds: number): Promise<EndpointResult> => {
  const latencies: number[] = [];
  let next = 0;
  const paths = endpoint.paths;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: `${baseUrl}${endpoint.path}`,
        connections,
        duration: seconds,
        timeout: 10,
        headers: { cookie, accept: 'application/json' },
        requests: paths ? [{ setupRequest: (req) => ({ ...req, path: paths[next++ % paths.length] ?? endpoint.path }) }] : undefined,
      },
      (err, res) => (err ? reject(err) : resolve(res)),
    );
    instance.on('response', (_client, _status, _bytes, responseTime) => {
      latencies.push(responseTime);
    });
  });
  const sorted = Float64Array.from(latencies).sort();
  const mean = sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length);
  return {
    scenario: 'customer-api',
    name: endpoint.name,
    path: endpoint.path,
    connections,
    seconds: result.duration,
    requests: sorted.length,
    requestsPerSecond: Math.round(sorted.length / result.duration),
    latencyMs: {
      mean: round(mean),
      p50: round(percentile(sorted, 0.5)),
      p95: round(percentile(sorted, 0.95)),
      p99: round(percentile(sorted, 0.99)),
      max: round(sorted.at(-1) ?? 0),
    },
    non2xx: result.non2xx,
    errors: result.errors,
  };
};

const signIn = async (baseUrl: string, email: string, password: string): Promise<string> => {
  const res = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (res.status !== 200) throw new Error(`bench login failed: ${res.status} ${await res.text()}`);
  const session = res.headers.getSetCookie().find((c) => c.startsWith('gx_session='));
  if (!session) throw new Error('bench login returned no gx_session cookie');
  return session.split(';')[0] ?? session;
};

/**
 * Scenario 2: the real HTTP server (in this process, on a free loopback port) under `connections` concurrent
 * clients, signed in as an admin: customer list (default sort, name search, by spend) and customer detail.
 */
export const runCustomerApi = async (
  db: Db,
  config: Config,
  options: { connections: number; seconds: number; onEndpoint?: (name: string) => void },
): Promise<EndpointResult[]> => {
  const app = await buildApp({ db, clock: systemClock, config, logger: createLogger('silent') }, { serveConsole: false });
  try {
    await app.listen({ host: HOST, port: 0 });
    const baseUrl = `http://${HOST}:${(app.server.address() as AddressInfo).port}`;

    const email = `bench-${randomBytes(4).toString('hex')}@bench.guanxi.local`;
    const password = randomBytes(18).toString('base64url');
    await db.transaction().execute((trx) => createUser(trx, systemClock, cliActor('bench'), { email, displayName: 'Bench admin', role: 'admin', password }));
    const cookie = await signIn(baseUrl, email, password);

    // A fixed pseudo-random sample of customers, the same for every run on the same data.
    const { rows } = await sql<{ id: string }>`select id from customer order by md5(id) limit ${DETAIL_SAMPLE}`.execute(db);
    if (rows.length === 0) throw new Error('the bench database has no customers');
    const endpoints: Endpoint[] = [
      { name: 'list, newest first', path: '/api/customers?page=1&pageSize=20' },
      { name: 'list, search q=王', path: `/api/customers?page=1&pageSize=20&q=${encodeURIComponent('王')}` },
      { name: 'list, by spend desc', path: '/api/customers?page=1&pageSize=20&sort=totalSpentFen&order=desc' },
      { name: 'detail, random ids', path: `/api/customers/${rows[0]?.id}`, paths: rows.map((r) => `/api/customers/${r.id}`) },
    ];

    const results: EndpointResult[] = [];
    for (const endpoint of endpoints) {
      options.onEndpoint?.(endpoint.name);
      await hammer(baseUrl, cookie, endpoint, options.connections, WARM_UP_SECONDS);
      results.push(await hammer(baseUrl, cookie, endpoint, options.connections, options.seconds));
    }
    return results;
  } finally {
    await app.close();
  }
};

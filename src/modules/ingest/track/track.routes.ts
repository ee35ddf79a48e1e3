import type { FastifyPluginAsync } from 'fastify';
import { sdkRoutes } from './sdk.routes.ts';
import { sourcesRoutes } from './sources.routes.ts';

/** Tracking endpoints for analytics SDKs, and the sources / event debugger API of the console. */
export const trackRoutes: FastifyPluginAsync = async (app) => {
  await app.register(sdkRoutes);
  await app.register(sourcesRoutes);
};

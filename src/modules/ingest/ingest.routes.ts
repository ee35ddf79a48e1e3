import type { FastifyPluginAsync } from 'fastify';
import { importRoutes } from './import/import.routes.ts';
import { trackRoutes } from './track/track.routes.ts';

/** Tracking API (Segment / PostHog compatible), sources and the event debugger, bulk import. */
export const ingestRoutes: FastifyPluginAsync = async (app) => {
  await app.register(trackRoutes);
  await app.register(importRoutes);
};

import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { protectedErrors } from '../../http/schemas.ts';
import { getOverview } from './overview.ts';

const OverviewSchema = z.object({
  customers: z.object({ total: z.number(), newLast30d: z.number() }),
  orders: z.object({ total: z.number(), last30d: z.number() }),
  revenueFen: z.object({ last30d: z.number(), last365d: z.number() }),
  refundRate: z.number(),
  activeCustomers90d: z.number(),
  monthly: z.array(z.object({ month: z.string(), orders: z.number(), revenueFen: z.number(), newCustomers: z.number() })),
});

export const analyticsRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/api/dashboard/overview',
    {
      config: { access: { kind: 'session', permission: 'dashboard:read' } },
      schema: { tags: ['analytics'], summary: 'Headline KPIs and 24 months of orders and revenue', response: { 200: OverviewSchema, ...protectedErrors } },
    },
    async () => getOverview(app.deps.db, app.deps.clock),
  );
};

import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { userActor } from '../../http/access.ts';
import { ErrorBodySchema, iso, isoRequired, PageQuerySchema, protectedErrors } from '../../http/schemas.ts';
import { listOrders } from './customer.repository.ts';
import { type CustomerDetail, getCustomer } from './get-customer.ts';
import { listCustomers } from './list-customers.ts';
import { createCustomer, updateCustomer } from './save-customer.ts';

const CustomerDetailSchema = z.object({
  id: z.string(),
  displayName: z.string(),
  phone: z.string().nullable(),
  email: z.string().nullable(),
  memberNo: z.string().nullable(),
  attributes: z.record(z.string(), z.unknown()),
  source: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  identifiers: z.array(z.object({ type: z.string(), value: z.string(), source: z.string(), createdAt: z.string() })),
  stats: z.object({
    orderCount: z.number(),
    totalSpentFen: z.number(),
    refundedFen: z.number(),
    averageOrderFen: z.number(),
    firstOrderAt: z.string().nullable(),
    lastOrderAt: z.string().nullable(),
  }),
  masked: z.boolean(),
});

const ListItemSchema = z.object({
  id: z.string(),
  displayName: z.string(),
  phone: z.string().nullable(),
  email: z.string().nullable(),
  memberNo: z.string().nullable(),
  createdAt: z.string(),
  orderCount: z.number(),
  totalSpentFen: z.number(),
  lastOrderAt: z.string().nullable(),
});

const OrderSchema = z.object({
  id: z.string(),
  externalId: z.string(),
  source: z.string(),
  status: z.enum(['paid', 'fulfilled', 'cancelled', 'refunded', 'partially_refunded']),
  currency: z.string(),
  totalFen: z.number(),
  refundedFen: z.number(),
  placedAt: z.string(),
  lines: z.array(z.object({ lineNo: z.number(), sku: z.string(), name: z.string(), quantity: z.number(), unitPriceFen: z.number(), amountFen: z.number() })),
});

const Fields = {
  displayName: z.string().trim().min(1).max(200),
  phone: z.string().trim().max(40).nullable().optional(),
  email: z.union([z.string().trim().email().max(320), z.literal(''), z.null()]).optional(),
  memberNo: z.string().trim().max(64).nullable().optional(),
  attributes: z.record(z.string().max(100), z.unknown()).optional(),
};

const IdParams = z.object({ id: z.string().min(1).max(64) });

const toDetailJson = (c: CustomerDetail) => ({
  ...c,
  createdAt: isoRequired(c.createdAt),
  updatedAt: isoRequired(c.updatedAt),
  identifiers: c.identifiers.map((i) => ({ ...i, createdAt: isoRequired(i.createdAt) })),
  stats: { ...c.stats, firstOrderAt: iso(c.stats.firstOrderAt), lastOrderAt: iso(c.stats.lastOrderAt) },
});

export const customersRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db, clock } = app.deps;

  app.get(
    '/api/customers',
    {
      config: { access: { kind: 'session', permission: 'customers:read' } },
      schema: {
        tags: ['customers'],
        summary: 'Search and page through customers',
        querystring: PageQuerySchema.extend({
          q: z.string().trim().max(200).optional(),
          sort: z.enum(['createdAt', 'displayName', 'lastOrderAt', 'totalSpentFen', 'orderCount']).default('createdAt'),
          order: z.enum(['asc', 'desc']).default('desc'),
        }),
        response: {
          200: z.object({
            items: z.array(ListItemSchema),
            total: z.number(),
            totalCapped: z.boolean(),
            page: z.number(),
            pageSize: z.number(),
            masked: z.boolean(),
          }),
          ...protectedErrors,
        },
      },
    },
    async (req) => {
      const q = req.query.q === '' ? undefined : req.query.q;
      const result = await listCustomers(db, clock, userActor(req), { ...req.query, q });
      return {
        ...result,
        page: req.query.page,
        pageSize: req.query.pageSize,
        items: result.items.map((i) => ({ ...i, createdAt: isoRequired(i.createdAt), lastOrderAt: iso(i.lastOrderAt) })),
      };
    },
  );

  app.get(
    '/api/customers/:id',
    {
      config: { access: { kind: 'session', permission: 'customers:read' } },
      schema: {
        tags: ['customers'],
        summary: 'One customer: attributes, identifiers, order summary',
        params: IdParams,
        response: { 200: z.object({ customer: CustomerDetailSchema }), 404: ErrorBodySchema, ...protectedErrors },
      },
    },
    async (req) => ({ customer: toDetailJson(await getCustomer(db, clock, userActor(req), req.params.id)) }),
  );

  app.get(
    '/api/customers/:id/orders',
    {
      config: { access: { kind: 'session', permission: 'customers:read' } },
      schema: {
        tags: ['customers'],
        summary: "A customer's orders with their lines, newest first",
        params: IdParams,
        querystring: PageQuerySchema,
        response: { 200: z.object({ items: z.array(OrderSchema), total: z.number(), page: z.number(), pageSize: z.number() }), ...protectedErrors },
      },
    },
    async (req) => {
      const { rows, total } = await listOrders(db, req.params.id, req.query.page, req.query.pageSize);
      return {
        total,
        page: req.query.page,
        pageSize: req.query.pageSize,
        items: rows.map((o) => ({
          id: o.id,
          externalId: o.external_id,
          source: o.source,
          status: o.status,
          currency: o.currency,
          totalFen: o.total_fen,
          refundedFen: o.refunded_fen,
          placedAt: isoRequired(o.placed_at),
          lines: o.lines.map((l) => ({
            lineNo: l.line_no,
            sku: l.sku,
            name: l.name,
            quantity: l.quantity,
            unitPriceFen: l.unit_price_fen,
            amountFen: l.amount_fen,
          })),
        })),
      };
    },
  );

  app.post(
    '/api/customers',
    {
      config: { access: { kind: 'session', permission: 'customers:write' } },
      schema: {
        tags: ['customers'],
        summary: 'Create a customer',
        body: z.object(Fields),
        response: { 201: z.object({ customer: CustomerDetailSchema }), 409: ErrorBodySchema, ...protectedErrors },
      },
    },
    async (req, reply) => {
      const customer = await db.transaction().execute((trx) => createCustomer(trx, clock, userActor(req), req.body));
      return reply.status(201).send({ customer: toDetailJson(customer) });
    },
  );

  app.patch(
    '/api/customers/:id',
    {
      config: { access: { kind: 'session', permission: 'customers:write' } },
      schema: {
        tags: ['customers'],
        summary: "Change a customer's fields; attributes are merged",
        params: IdParams,
        body: z.object({ ...Fields, displayName: Fields.displayName.optional() }),
        response: { 200: z.object({ customer: CustomerDetailSchema }), 404: ErrorBodySchema, 409: ErrorBodySchema, ...protectedErrors },
      },
    },
    async (req) => ({ customer: toDetailJson(await db.transaction().execute((trx) => updateCustomer(trx, clock, userActor(req), req.params.id, req.body))) }),
  );
};

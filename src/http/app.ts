import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { analyticsRoutes } from '../modules/analytics/index.ts';
import { auditRoutes } from '../modules/audit/index.ts';
import { authRoutes } from '../modules/auth/index.ts';
import { customersRoutes } from '../modules/customers/index.ts';
import { identityRoutes } from '../modules/identity/index.ts';
import { ingestRoutes } from '../modules/ingest/ingest.routes.ts';
import { recommendationsRoutes } from '../modules/intelligence/recommendations/index.ts';
import { scoringRoutes } from '../modules/intelligence/scoring/index.ts';
import { segmentationRoutes } from '../modules/intelligence/segmentation/index.ts';
import { tagsRoutes } from '../modules/intelligence/tags/index.ts';
import { loyaltyRoutes } from '../modules/loyalty/index.ts';
import { profilesRoutes } from '../modules/profiles/index.ts';
import { makeAccessHook, makeBodyKeyHook } from './access.ts';
import type { AppDeps, RouteEntry } from './deps.ts';
import { errorHandler } from './error-handler.ts';
import { outboxRoutes } from './outbox.routes.ts';
import { systemRoutes } from './system.routes.ts';

export const VERSION = '0.1.0';
const CONSOLE_DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../console/dist');

const isApiPath = (url: string) => /^\/(api|v1|docs)(\/|$|\?)/.test(url);

/** Builds the whole HTTP surface from the modules' routes; `inject()`-able in tests without a socket. */
export const buildApp = async (deps: AppDeps, options: { serveConsole?: boolean } = {}): Promise<FastifyInstance> => {
  const app = Fastify({
    loggerInstance: deps.logger.child({ component: 'http' }) as FastifyBaseLogger,
    trustProxy: deps.config.trustProxy,
    bodyLimit: 1_048_576,
    // Fastify's own request lines include the raw URL (query strings carry phone numbers); ours below do not.
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: () => Math.random().toString(36).slice(2, 10),
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  app.decorate('deps', deps);
  app.decorate('routeTable', [] as RouteEntry[]);
  app.decorateRequest('actor', null);
  app.decorateRequest('user', null);
  app.decorateRequest('sessionToken', null);

  // Plugin-provided routes (API docs, static console files) are public; every other route must declare access.
  app.addHook('onRoute', (route) => {
    if (!isApiPath(route.url) || route.url.startsWith('/docs')) {
      route.config = { ...(route.config ?? {}), access: route.config?.access ?? { kind: 'public' } };
    }
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      if (method !== 'HEAD') app.routeTable.push({ method, url: route.url, access: route.config?.access });
    }
  });

  // Request log lines carry no query strings or bodies: searches are often phone numbers or names.
  app.addHook('onResponse', async (req, reply) => {
    req.log.info({ method: req.method, route: req.routeOptions.url ?? 'unmatched', status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request');
  });

  await app.register(cookie);
  await app.register(rateLimit, { global: false });
  await app.register(swagger, {
    openapi: {
      info: { title: 'Guanxi API', version: VERSION, description: 'Customer relationship operations platform' },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'gx_session' },
          writeKey: { type: 'http', scheme: 'basic', description: 'write key as the username, empty password' },
        },
      },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  app.addHook('onRequest', makeAccessHook(deps.db, deps.clock));
  app.addHook('preValidation', makeBodyKeyHook(deps.db, deps.clock));

  await app.register(systemRoutes);
  await app.register(outboxRoutes);
  await app.register(authRoutes);
  await app.register(customersRoutes);
  await app.register(analyticsRoutes);
  await app.register(auditRoutes);
  await app.register(ingestRoutes);
  await app.register(identityRoutes);
  await app.register(profilesRoutes);
  await app.register(loyaltyRoutes);
  await app.register(scoringRoutes);
  await app.register(segmentationRoutes);
  await app.register(tagsRoutes);
  await app.register(recommendationsRoutes);

  const serveConsole = options.serveConsole ?? true;
  const consoleBuilt = serveConsole && existsSync(path.join(CONSOLE_DIST, 'index.html'));
  if (consoleBuilt) {
    await app.register(fastifyStatic, { root: CONSOLE_DIST, wildcard: false, index: ['index.html'] });
  }

  app.setNotFoundHandler((req, reply) => {
    if (consoleBuilt && req.method === 'GET' && !isApiPath(req.url)) {
      // Client-side routes (e.g. /customers/cus_…) get the console's shell.
      return reply.type('text/html').sendFile('index.html');
    }
    return reply.status(404).send({ error: { code: 'request.not_found', message: `no route ${req.method} ${req.url.split('?')[0]}` } });
  });

  return app;
};

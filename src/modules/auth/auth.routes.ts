import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { userActor } from '../../http/access.ts';
import { ErrorBodySchema, iso, isoRequired, OkSchema, protectedErrors } from '../../http/schemas.ts';
import { AppError } from '../../platform/errors.ts';
// The edge creates the key's ingest source in the same transaction (auth's use cases stay free of ingest).
import { ensureSource, isSourceId } from '../ingest/sources.ts';
import { type ApiKey, createApiKey, listApiKeys, revokeApiKey } from './api-keys.ts';
import { login } from './login.ts';
import { PERMISSIONS, type Permission, ROLE_PERMISSIONS, ROLES, type Role } from './permissions.ts';
import { deleteSession, SESSION_COOKIE } from './sessions.ts';
import { listAllUsers, type User } from './user.repository.ts';
import { createUser, setUserPassword, updateUser } from './users.ts';

const RoleSchema = z.enum(ROLES);
const LocaleSchema = z.enum(['zh-CN', 'en']);
const PasswordSchema = z.string().min(10, 'at least 10 characters').max(200);

const MeSchema = z.object({
  id: z.string(),
  email: z.string(),
  displayName: z.string(),
  role: RoleSchema,
  permissions: z.array(z.enum(PERMISSIONS)),
  locale: LocaleSchema.nullable(),
});
const UserSchema = z.object({
  id: z.string(),
  email: z.string(),
  displayName: z.string(),
  role: RoleSchema,
  status: z.enum(['active', 'disabled']),
  lastLoginAt: z.string().nullable(),
  createdAt: z.string(),
});
const ApiKeySchema = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  scopes: z.array(z.string()),
  sourceId: z.string().nullable(),
  createdAt: z.string(),
  createdBy: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
const IdParams = z.object({ id: z.string().min(1).max(64) });

const toMe = (u: User) => ({
  id: u.id,
  email: u.email,
  displayName: u.displayName,
  role: u.role,
  permissions: [...ROLE_PERMISSIONS[u.role]] as Permission[],
  locale: u.locale,
});
const toUserJson = (u: User) => ({
  id: u.id,
  email: u.email,
  displayName: u.displayName,
  role: u.role,
  status: u.status,
  lastLoginAt: iso(u.lastLoginAt),
  createdAt: isoRequired(u.createdAt),
});
const toKeyJson = (k: ApiKey) => ({
  ...k,
  createdAt: isoRequired(k.createdAt),
  lastUsedAt: iso(k.lastUsedAt),
  revokedAt: iso(k.revokedAt),
});

export const authRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db, clock, config } = app.deps;

  app.post(
    '/api/auth/login',
    {
      config: {
        access: { kind: 'public' },
        rateLimit: { max: config.login.ratePerMinute, timeWindow: '1 minute' },
      },
      schema: {
        tags: ['auth'],
        summary: 'Sign in; sets the session cookie',
        body: z.object({ email: z.string().trim().min(1).max(320), password: z.string().min(1).max(200) }),
        response: { 200: z.object({ user: MeSchema }), 401: ErrorBodySchema, 429: ErrorBodySchema },
      },
    },
    async (req, reply) => {
      const result = await login(
        db,
        clock,
        { ...config.login, sessionTtlHours: config.sessionTtlHours },
        { ...req.body, ip: req.ip ?? null, userAgent: req.headers['user-agent'] ?? null },
      );
      reply.setCookie(SESSION_COOKIE, result.token, {
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        secure: config.cookieSecure,
        expires: result.expiresAt,
      });
      return { user: toMe(result.user) };
    },
  );

  app.post(
    '/api/auth/logout',
    { config: { access: { kind: 'session' } }, schema: { tags: ['auth'], summary: 'Sign out', response: { 200: OkSchema } } },
    async (req, reply) => {
      if (req.sessionToken) await deleteSession(db, req.sessionToken);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return { ok: true as const };
    },
  );

  app.get(
    '/api/auth/me',
    {
      config: { access: { kind: 'session' } },
      schema: { tags: ['auth'], summary: 'The signed-in user', response: { 200: z.object({ user: MeSchema }), ...protectedErrors } },
    },
    async (req) => ({ user: toMe(req.user as User) }),
  );

  app.patch(
    '/api/auth/me',
    {
      config: { access: { kind: 'session' } },
      schema: {
        tags: ['auth'],
        summary: "Save the signed-in user's preferences",
        body: z.object({ locale: LocaleSchema }),
        response: { 200: z.object({ user: MeSchema }), ...protectedErrors },
      },
    },
    async (req) => {
      const actor = userActor(req);
      const user = await db.transaction().execute((trx) => updateUser(trx, clock, actor, actor.id, { locale: req.body.locale }));
      return { user: toMe(user) };
    },
  );

  app.get(
    '/api/users',
    {
      config: { access: { kind: 'session', permission: 'users:read' } },
      schema: { tags: ['users'], summary: 'List console users', response: { 200: z.object({ items: z.array(UserSchema) }), ...protectedErrors } },
    },
    async () => ({ items: (await listAllUsers(db)).map(toUserJson) }),
  );

  app.post(
    '/api/users',
    {
      config: { access: { kind: 'session', permission: 'users:manage' } },
      schema: {
        tags: ['users'],
        summary: 'Create a console user',
        body: z.object({
          email: z.string().trim().email().max(320),
          displayName: z.string().trim().min(1).max(100),
          role: RoleSchema,
          password: PasswordSchema,
        }),
        response: { 201: z.object({ user: UserSchema }), 409: ErrorBodySchema, ...protectedErrors },
      },
    },
    async (req, reply) => {
      const user = await db.transaction().execute((trx) => createUser(trx, clock, userActor(req), req.body));
      return reply.status(201).send({ user: toUserJson(user) });
    },
  );

  app.patch(
    '/api/users/:id',
    {
      config: { access: { kind: 'session', permission: 'users:manage' } },
      schema: {
        tags: ['users'],
        summary: "Change a user's name, role or status",
        params: IdParams,
        body: z.object({
          displayName: z.string().trim().min(1).max(100).optional(),
          role: RoleSchema.optional(),
          status: z.enum(['active', 'disabled']).optional(),
        }),
        response: { 200: z.object({ user: UserSchema }), 404: ErrorBodySchema, 409: ErrorBodySchema, ...protectedErrors },
      },
    },
    async (req) => ({ user: toUserJson(await db.transaction().execute((trx) => updateUser(trx, clock, userActor(req), req.params.id, req.body))) }),
  );

  app.post(
    '/api/users/:id/password',
    {
      config: { access: { kind: 'session', permission: 'users:manage' } },
      schema: {
        tags: ['users'],
        summary: "Set a user's password (ends their sessions)",
        params: IdParams,
        body: z.object({ password: PasswordSchema }),
        response: { 200: OkSchema, 404: ErrorBodySchema, ...protectedErrors },
      },
    },
    async (req) => {
      await db.transaction().execute((trx) => setUserPassword(trx, clock, userActor(req), req.params.id, req.body.password));
      return { ok: true as const };
    },
  );

  app.get(
    '/api/roles',
    {
      config: { access: { kind: 'session', permission: 'users:read' } },
      schema: {
        tags: ['users'],
        summary: 'The role × permission matrix',
        response: {
          200: z.object({
            permissions: z.array(z.enum(PERMISSIONS)),
            roles: z.array(z.object({ role: RoleSchema, permissions: z.array(z.enum(PERMISSIONS)) })),
          }),
          ...protectedErrors,
        },
      },
    },
    async () => ({ permissions: [...PERMISSIONS], roles: ROLES.map((role: Role) => ({ role, permissions: [...ROLE_PERMISSIONS[role]] })) }),
  );

  app.get(
    '/api/api-keys',
    {
      config: { access: { kind: 'session', permission: 'apikeys:manage' } },
      schema: { tags: ['api keys'], summary: 'List write keys', response: { 200: z.object({ items: z.array(ApiKeySchema) }), ...protectedErrors } },
    },
    async () => ({ items: (await listApiKeys(db)).map(toKeyJson) }),
  );

  app.post(
    '/api/api-keys',
    {
      config: { access: { kind: 'session', permission: 'apikeys:manage' } },
      schema: {
        tags: ['api keys'],
        summary: 'Create a write key; the secret is returned only this once',
        body: z.object({
          name: z.string().trim().min(1).max(100),
          source: z
            .string()
            .trim()
            .refine(isSourceId, 'lower-case letters, digits, - and _ (at most 63), starting with a letter or digit')
            .refine((s) => s !== 'console', 'the console source is reserved for edits made in the console')
            .optional()
            .describe('ingest source its events are recorded under; default: the slug of the name'),
        }),
        response: { 201: z.object({ apiKey: ApiKeySchema, secret: z.string() }), ...protectedErrors },
      },
    },
    async (req, reply) => {
      const { apiKey, secret } = await db.transaction().execute(async (trx) => {
        const created = await createApiKey(trx, clock, userActor(req), req.body.name, { sourceId: req.body.source });
        const sourceId = created.apiKey.sourceId as string;
        await ensureSource(trx, { id: sourceId, name: req.body.source ? sourceId : created.apiKey.name, kind: 'http' }, clock.now());
        return created;
      });
      return reply.status(201).send({ apiKey: toKeyJson(apiKey), secret });
    },
  );

  app.post(
    '/api/api-keys/:id/revoke',
    {
      config: { access: { kind: 'session', permission: 'apikeys:manage' } },
      schema: {
        tags: ['api keys'],
        summary: 'Revoke a write key',
        params: IdParams,
        response: { 200: z.object({ apiKey: ApiKeySchema }), 404: ErrorBodySchema, ...protectedErrors },
      },
    },
    async (req) => ({ apiKey: toKeyJson(await db.transaction().execute((trx) => revokeApiKey(trx, clock, userActor(req), req.params.id))) }),
  );

  app.get(
    '/v1/whoami',
    {
      config: {
        access: { kind: 'api_key', scope: 'ingest:write' },
        rateLimit: { max: config.apiRatePerMinute, timeWindow: '1 minute', keyGenerator: (req) => req.actor?.id ?? req.ip },
      },
      schema: {
        tags: ['ingest'],
        summary: 'Which write key this is (for SDK set-up checks)',
        security: [{ writeKey: [] }],
        response: { 200: z.object({ apiKey: z.object({ id: z.string(), name: z.string(), scopes: z.array(z.string()) }) }), 401: ErrorBodySchema },
      },
    },
    async (req) => {
      const actor = req.actor;
      if (actor?.type !== 'api_key') throw new AppError('auth.invalid_api_key', 'write key required');
      return { apiKey: { id: actor.id, name: actor.label, scopes: [...actor.scopes] } };
    },
  );
};

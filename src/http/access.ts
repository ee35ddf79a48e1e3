import type { FastifyReply, FastifyRequest } from 'fastify';
import { type Actor, authenticateApiKey, type Permission, resolveSession, SESSION_COOKIE, type User } from '../modules/auth/index.ts';
import type { Clock } from '../platform/clock.ts';
import type { Db } from '../platform/db.ts';
import { AppError } from '../platform/errors.ts';

/**
 * Every route declares who may call it; a route without a declaration is refused (fail closed).
 * - public: anyone
 * - session: a signed-in console user holding `permission` (or any signed-in user when omitted)
 * - api_key: a machine holding a live write key with `scope`; session cookies are not accepted here,
 *   and keys are not accepted on session routes. With `keyInBody`, a request without an Authorization
 *   header may name its key in the JSON body (`writeKey`, Segment; `api_key`, PostHog): it is resolved
 *   once the body is parsed (`makeBodyKeyHook`, preValidation).
 */
export type Access = { kind: 'public' } | { kind: 'session'; permission?: Permission } | { kind: 'api_key'; scope: string; keyInBody?: boolean };

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    actor: Actor | null;
    user: User | null;
    sessionToken: string | null;
  }
}

const requestMeta = (req: FastifyRequest) => ({ ip: req.ip ?? null, userAgent: req.headers['user-agent']?.slice(0, 300) ?? null });

/** Reads `Authorization: Basic base64(key:)` (Segment's convention) or `Bearer key`. */
export const presentedApiKey = (req: FastifyRequest): string | undefined => {
  const h = req.headers.authorization;
  if (!h) return undefined;
  const [scheme, value] = h.split(' ', 2);
  if (!value) return undefined;
  if (scheme?.toLowerCase() === 'bearer') return value.trim();
  if (scheme?.toLowerCase() === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const idx = decoded.indexOf(':');
    return idx >= 0 ? decoded.slice(0, idx) : decoded;
  }
  return undefined;
};

const authorizeApiKey = async (db: Db, clock: Clock, req: FastifyRequest, secret: string | undefined, scope: string): Promise<Actor> => {
  if (!secret) throw new AppError('auth.invalid_api_key', 'send a write key: Authorization: Basic base64(writeKey + ":")');
  const actor = await authenticateApiKey(db, clock, secret, requestMeta(req));
  if (actor?.type !== 'api_key') throw new AppError('auth.invalid_api_key', 'unknown or revoked write key');
  if (!actor.scopes.includes(scope)) throw new AppError('auth.forbidden', `this key lacks the ${scope} scope`);
  return actor;
};

/** The write key a parsed body names: `writeKey` (Segment's clients) or `api_key` (PostHog's). */
const bodyApiKey = (body: unknown): string | undefined => {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const b = body as Record<string, unknown>;
  const key = b.writeKey ?? b.api_key;
  return typeof key === 'string' && key.length > 0 ? key : undefined;
};

/** preValidation: for `keyInBody` routes whose request sent no Authorization header, the key named in the body. */
export const makeBodyKeyHook = (db: Db, clock: Clock) =>
  async function bodyKeyHook(req: FastifyRequest, _reply: FastifyReply): Promise<void> {
    const access = req.routeOptions.config?.access;
    if (access?.kind !== 'api_key' || !access.keyInBody || req.actor) return;
    req.actor = await authorizeApiKey(db, clock, req, bodyApiKey(req.body), access.scope);
  };

export const makeAccessHook = (db: Db, clock: Clock) =>
  async function accessHook(req: FastifyRequest, _reply: FastifyReply): Promise<void> {
    req.actor = null;
    req.user = null;
    req.sessionToken = null;
    // Unmatched routes fall through to the 404 handler.
    if (!req.routeOptions.url) return;
    const access = req.routeOptions.config.access;
    if (!access) throw new AppError('auth.forbidden', 'this route declares no access rule');
    if (access.kind === 'public') return;

    if (access.kind === 'api_key') {
      const secret = presentedApiKey(req);
      if (!secret && access.keyInBody) return; // resolved from the body by makeBodyKeyHook
      req.actor = await authorizeApiKey(db, clock, req, secret, access.scope);
      return;
    }

    const token = req.cookies[SESSION_COOKIE];
    const session = token ? await resolveSession(db, clock, token, requestMeta(req)) : undefined;
    if (!session) throw new AppError('auth.unauthenticated', 'sign in first');
    req.actor = session.actor;
    req.user = session.user;
    req.sessionToken = token ?? null;
    if (access.permission && !(session.actor.type === 'user' && session.actor.permissions.includes(access.permission))) {
      throw new AppError('auth.forbidden', `your role (${session.user.role}) lacks ${access.permission}`);
    }
  };

/** The signed-in user's actor; for use in session routes, where the access hook guarantees it. */
export const userActor = (req: FastifyRequest): Extract<Actor, { type: 'user' }> => {
  if (req.actor?.type !== 'user') throw new AppError('auth.unauthenticated', 'sign in first');
  return req.actor;
};

import type { Permission, Role } from './permissions.ts';

/** Who is acting, as every use case that changes or reads personal data needs to know (for audit). */
export type Actor =
  | { type: 'user'; id: string; label: string; role: Role; permissions: readonly Permission[]; ip: string | null; userAgent: string | null }
  | {
      type: 'api_key';
      id: string;
      label: string;
      scopes: readonly string[];
      /** The ingest source the key writes as (`ingest_source.id`); null for keys made before sources existed. */
      sourceId: string | null;
      ip: string | null;
      userAgent: string | null;
    }
  | { type: 'system'; id: null; label: string; ip: null; userAgent: null }
  | { type: 'cli'; id: null; label: string; ip: null; userAgent: null };

export const systemActor = (label: string): Actor => ({ type: 'system', id: null, label, ip: null, userAgent: null });
export const cliActor = (label: string): Actor => ({ type: 'cli', id: null, label, ip: null, userAgent: null });

export const actorCan = (actor: Actor, permission: Permission): boolean =>
  actor.type === 'system' || actor.type === 'cli' || (actor.type === 'user' && actor.permissions.includes(permission));

/** Users, roles and permissions, sessions, API keys. */

export { type Actor, actorCan, cliActor, systemActor } from './actor.ts';
export { API_KEY_PREFIX, type ApiKey, authenticateApiKey, createApiKey, listApiKeys, revokeApiKey, sourceSlug } from './api-keys.ts';
export type { AuthErrorCode } from './auth.errors.ts';
export { authJobs } from './auth.jobs.ts';
export { authRoutes } from './auth.routes.ts';
export { type LoginInput, type LoginPolicy, login } from './login.ts';
export { can, PERMISSIONS, type Permission, ROLE_PERMISSIONS, ROLES, type Role } from './permissions.ts';
export { deleteSession, purgeExpiredSessions, resolveSession, SESSION_COOKIE } from './sessions.ts';
export { findUserById, listAllUsers, type User } from './user.repository.ts';
export { type CreateUserInput, createUser, setUserPassword, type UpdateUserInput, updateUser } from './users.ts';

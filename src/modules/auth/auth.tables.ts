import type { Generated } from 'kysely';
import type { Role } from './permissions.ts';

export interface AuthUserTable {
  id: string;
  email: string;
  display_name: string;
  role: Role;
  password_hash: string;
  status: Generated<'active' | 'disabled'>;
  locale: 'zh-CN' | 'en' | null;
  last_login_at: Date | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface AuthSessionTable {
  id: string;
  token_hash: string;
  user_id: string;
  created_at: Date;
  expires_at: Date;
  last_seen_at: Date;
  ip: string | null;
  user_agent: string | null;
}

export interface AuthLoginFailureTable {
  id: Generated<number>;
  email_key: string;
  ip: string | null;
  at: Date;
}

export interface AuthApiKeyTable {
  id: string;
  name: string;
  prefix: string;
  secret_hash: string;
  scopes: Generated<string[]>;
  source_id: string | null;
  created_by: string | null;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

export interface AuthTables {
  auth_user: AuthUserTable;
  auth_session: AuthSessionTable;
  auth_login_failure: AuthLoginFailureTable;
  auth_api_key: AuthApiKeyTable;
}

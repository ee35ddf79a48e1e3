export const ROLES = ['admin', 'operator', 'analyst', 'agent', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  'dashboard:read',
  'customers:read',
  'customers:read_pii',
  'customers:write',
  'users:read',
  'users:manage',
  'apikeys:manage',
  'audit:read',
  'ingest:read',
  'ingest:import',
  'identity:merge',
  'intelligence:read',
  'intelligence:manage',
  'tags:write',
  'recommendations:stop',
  'loyalty:read',
  'loyalty:write',
  'loyalty:approve',
  'loyalty:manage',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** Least privilege: each role gets only what its work needs. Analysts and auditors see PII masked. */
export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  admin: PERMISSIONS,
  operator: [
    'dashboard:read',
    'customers:read',
    'customers:read_pii',
    'customers:write',
    'ingest:read',
    'ingest:import',
    'intelligence:read',
    'intelligence:manage',
    'tags:write',
    'loyalty:read',
    'loyalty:write',
  ],
  analyst: ['dashboard:read', 'customers:read', 'ingest:read', 'intelligence:read', 'loyalty:read'],
  agent: ['customers:read', 'customers:read_pii', 'customers:write', 'tags:write', 'loyalty:read'],
  auditor: ['dashboard:read', 'customers:read', 'users:read', 'audit:read', 'loyalty:read'],
};

export const can = (role: Role, permission: Permission): boolean => ROLE_PERMISSIONS[role].includes(permission);

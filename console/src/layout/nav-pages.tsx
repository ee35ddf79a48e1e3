import {
  AlertOutlined,
  ApiOutlined,
  AuditOutlined,
  BulbOutlined,
  CloudUploadOutlined,
  ClusterOutlined,
  DashboardOutlined,
  ExperimentOutlined,
  GiftOutlined,
  KeyOutlined,
  NodeIndexOutlined,
  PieChartOutlined,
  RiseOutlined,
  TagsOutlined,
  TeamOutlined,
  UserOutlined,
} from '@ant-design/icons';
import type { ReactNode } from 'react';
import type { Permission } from '../api/types';

export type NavKey =
  | 'dashboard'
  | 'customers'
  | 'imports'
  | 'identity'
  | 'sources'
  | 'users'
  | 'api-keys'
  | 'audit'
  | 'value-dashboard'
  | 'tier-scheme'
  | 'tags'
  | 'recommendations'
  | 'loyalty'
  | 'models'
  | 'churn-risk'
  | 'value-potential';

export interface NavPage {
  key: NavKey;
  path: string;
  permission: Permission;
  icon: ReactNode;
}

/** Menu order is also the order used to pick the landing page after login. */
export const NAV_PAGES: readonly NavPage[] = [
  { key: 'dashboard', path: '/dashboard', permission: 'dashboard:read', icon: <DashboardOutlined /> },
  { key: 'customers', path: '/customers', permission: 'customers:read', icon: <UserOutlined /> },
  { key: 'value-dashboard', path: '/value', permission: 'intelligence:read', icon: <PieChartOutlined /> },
  { key: 'tier-scheme', path: '/tier-scheme', permission: 'intelligence:read', icon: <ClusterOutlined /> },
  { key: 'tags', path: '/tags', permission: 'intelligence:read', icon: <TagsOutlined /> },
  { key: 'recommendations', path: '/recommendations', permission: 'intelligence:read', icon: <BulbOutlined /> },
  { key: 'value-potential', path: '/value-potential', permission: 'intelligence:read', icon: <RiseOutlined /> },
  { key: 'churn-risk', path: '/churn-risk', permission: 'intelligence:read', icon: <AlertOutlined /> },
  { key: 'models', path: '/models', permission: 'intelligence:read', icon: <ExperimentOutlined /> },
  { key: 'identity', path: '/identity', permission: 'ingest:read', icon: <NodeIndexOutlined /> },
  { key: 'sources', path: '/sources', permission: 'ingest:read', icon: <ApiOutlined /> },
  { key: 'imports', path: '/imports', permission: 'ingest:import', icon: <CloudUploadOutlined /> },
  { key: 'loyalty', path: '/loyalty', permission: 'loyalty:read', icon: <GiftOutlined /> },
  { key: 'users', path: '/users', permission: 'users:read', icon: <TeamOutlined /> },
  { key: 'api-keys', path: '/api-keys', permission: 'apikeys:manage', icon: <KeyOutlined /> },
  { key: 'audit', path: '/audit', permission: 'audit:read', icon: <AuditOutlined /> },
];

export const allowedPages = (permissions: readonly Permission[]): NavPage[] => NAV_PAGES.filter((page) => permissions.includes(page.permission));

export const firstAllowedPath = (permissions: readonly Permission[]): string | undefined => allowedPages(permissions)[0]?.path;

export const pageForPath = (pathname: string): NavPage | undefined => NAV_PAGES.find((page) => pathname === page.path || pathname.startsWith(`${page.path}/`));

/** Only local paths the user may open are honoured as `?next=` targets. */
export const safeNextPath = (next: string | null, permissions: readonly Permission[]): string | undefined => {
  if (!next?.startsWith('/') || next.startsWith('//')) return undefined;
  const page = pageForPath(new URL(next, window.location.origin).pathname);
  return page && permissions.includes(page.permission) ? next : undefined;
};

import {
  AlertOutlined,
  ApiOutlined,
  AuditOutlined,
  BulbOutlined,
  CloudUploadOutlined,
  ClusterOutlined,
  DashboardOutlined,
  DatabaseOutlined,
  ExperimentOutlined,
  FundOutlined,
  GiftOutlined,
  KeyOutlined,
  NodeIndexOutlined,
  PieChartOutlined,
  RiseOutlined,
  SettingOutlined,
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

/** Side-menu sections; a page without one sits at the top level (the everyday pages). */
export type NavGroup = 'intelligence' | 'loyalty' | 'data' | 'admin';

export interface NavPage {
  key: NavKey;
  path: string;
  permission: Permission;
  icon: ReactNode;
  group?: NavGroup;
}

export const NAV_GROUP_ICONS: Record<NavGroup, ReactNode> = {
  intelligence: <FundOutlined />,
  loyalty: <GiftOutlined />,
  data: <DatabaseOutlined />,
  admin: <SettingOutlined />,
};

/**
 * Menu order (groups appear where their first page is) is also the order used to pick the landing page
 * after login. A new page names its group; the menu needs no other change.
 */
export const NAV_PAGES: readonly NavPage[] = [
  { key: 'dashboard', path: '/dashboard', permission: 'dashboard:read', icon: <DashboardOutlined /> },
  { key: 'customers', path: '/customers', permission: 'customers:read', icon: <UserOutlined /> },
  { key: 'value-dashboard', path: '/value', permission: 'intelligence:read', icon: <PieChartOutlined />, group: 'intelligence' },
  { key: 'tier-scheme', path: '/tier-scheme', permission: 'intelligence:read', icon: <ClusterOutlined />, group: 'intelligence' },
  { key: 'tags', path: '/tags', permission: 'intelligence:read', icon: <TagsOutlined />, group: 'intelligence' },
  { key: 'recommendations', path: '/recommendations', permission: 'intelligence:read', icon: <BulbOutlined />, group: 'intelligence' },
  { key: 'value-potential', path: '/value-potential', permission: 'intelligence:read', icon: <RiseOutlined />, group: 'intelligence' },
  { key: 'churn-risk', path: '/churn-risk', permission: 'intelligence:read', icon: <AlertOutlined />, group: 'intelligence' },
  { key: 'models', path: '/models', permission: 'intelligence:read', icon: <ExperimentOutlined />, group: 'intelligence' },
  { key: 'identity', path: '/identity', permission: 'ingest:read', icon: <NodeIndexOutlined />, group: 'data' },
  { key: 'sources', path: '/sources', permission: 'ingest:read', icon: <ApiOutlined />, group: 'data' },
  { key: 'imports', path: '/imports', permission: 'ingest:import', icon: <CloudUploadOutlined />, group: 'data' },
  { key: 'loyalty', path: '/loyalty', permission: 'loyalty:read', icon: <GiftOutlined />, group: 'loyalty' },
  { key: 'users', path: '/users', permission: 'users:read', icon: <TeamOutlined />, group: 'admin' },
  { key: 'api-keys', path: '/api-keys', permission: 'apikeys:manage', icon: <KeyOutlined />, group: 'admin' },
  { key: 'audit', path: '/audit', permission: 'audit:read', icon: <AuditOutlined />, group: 'admin' },
];

export type NavEntry = { kind: 'page'; page: NavPage } | { kind: 'group'; group: NavGroup; pages: NavPage[] };

/**
 * The menu for these pages: top-level pages and sections in NAV_PAGES order. A section the user may open
 * only one page of shows that page at the top level (no folder around a single entry).
 */
export const navEntries = (pages: readonly NavPage[]): NavEntry[] => {
  const entries: NavEntry[] = [];
  const groups = new Map<NavGroup, NavPage[]>();
  for (const page of pages) {
    if (!page.group) {
      entries.push({ kind: 'page', page });
      continue;
    }
    const members = groups.get(page.group);
    if (members) members.push(page);
    else {
      const created = [page];
      groups.set(page.group, created);
      entries.push({ kind: 'group', group: page.group, pages: created });
    }
  }
  return entries.map((e) => (e.kind === 'group' && e.pages.length === 1 && e.pages[0] ? { kind: 'page', page: e.pages[0] } : e));
};

export const allowedPages = (permissions: readonly Permission[]): NavPage[] => NAV_PAGES.filter((page) => permissions.includes(page.permission));

export const firstAllowedPath = (permissions: readonly Permission[]): string | undefined => allowedPages(permissions)[0]?.path;

export const pageForPath = (pathname: string): NavPage | undefined => NAV_PAGES.find((page) => pathname === page.path || pathname.startsWith(`${page.path}/`));

/** Only local paths the user may open are honoured as `?next=` targets. */
export const safeNextPath = (next: string | null, permissions: readonly Permission[]): string | undefined => {
  if (!next?.startsWith('/') || next.startsWith('//')) return undefined;
  const page = pageForPath(new URL(next, window.location.origin).pathname);
  return page && permissions.includes(page.permission) ? next : undefined;
};

import { describe, expect, it } from 'vitest';
import { PERMISSIONS, type Permission } from '../api/types';
import { allowedPages, NAV_PAGES, type NavEntry, navEntries } from './nav-pages';

const shape = (entries: NavEntry[]) => entries.map((e) => (e.kind === 'page' ? e.page.key : { [e.group]: e.pages.map((p) => p.key) }));

describe('side menu sections', () => {
  it('puts every page in the menu once, in sections, everyday pages on top', () => {
    const entries = navEntries(allowedPages(PERMISSIONS));
    expect(shape(entries)).toEqual([
      'dashboard',
      'customers',
      { intelligence: ['value-dashboard', 'tier-scheme', 'tags', 'recommendations', 'value-potential', 'churn-risk', 'models'] },
      { data: ['identity', 'sources', 'imports'] },
      'loyalty',
      { admin: ['users', 'api-keys', 'audit'] },
    ]);
    const listed = entries.flatMap((e) => (e.kind === 'page' ? [e.page.key] : e.pages.map((p) => p.key)));
    expect(listed.sort()).toEqual(NAV_PAGES.map((p) => p.key).sort());
  });

  it('shows a role only its pages, and a section with one page as a plain entry', () => {
    const auditor: Permission[] = ['dashboard:read', 'customers:read', 'users:read', 'audit:read', 'loyalty:read'];
    expect(shape(navEntries(allowedPages(auditor)))).toEqual(['dashboard', 'customers', 'loyalty', { admin: ['users', 'audit'] }]);
    const agent: Permission[] = ['customers:read', 'customers:read_pii', 'customers:write', 'tags:write', 'loyalty:read'];
    expect(shape(navEntries(allowedPages(agent)))).toEqual(['customers', 'loyalty']);
    expect(shape(navEntries(allowedPages(['apikeys:manage'])))).toEqual(['api-keys']);
  });
});

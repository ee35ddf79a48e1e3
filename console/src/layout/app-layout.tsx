import { LogoutOutlined } from '@ant-design/icons';
import { App, Button, Layout, Menu, Space, Spin, Tag, Typography } from 'antd';
import { Suspense, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Outlet, useLocation } from 'react-router-dom';
import type { Me } from '../api/types';
import { LangSwitch } from '../components/lang-switch';
import { errorMessage } from '../i18n/error-message';
import { useSession } from '../session/session-context';
import { allowedPages, NAV_GROUP_ICONS, type NavGroup, type NavKey, type NavPage, navEntries, pageForPath } from './nav-pages';

const { Header, Sider, Content } = Layout;

export const AppLayout = ({ me }: { me: Me }) => {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { logout } = useSession();
  const location = useLocation();
  const [collapsed, setCollapsed] = useState(false);

  const labels: Record<NavKey, string> = {
    dashboard: t('nav.dashboard'),
    customers: t('nav.customers'),
    identity: t('nav.identity'),
    'value-dashboard': t('nav.valueDashboard'),
    'tier-scheme': t('nav.tierScheme'),
    tags: t('nav.tags'),
    recommendations: t('nav.recommendations'),
    sources: t('nav.sources'),
    imports: t('nav.imports'),
    users: t('nav.users'),
    'api-keys': t('nav.apiKeys'),
    audit: t('nav.audit'),
    models: t('nav.models'),
    'churn-risk': t('nav.churnRisk'),
    'value-potential': t('nav.valuePotential'),
    loyalty: t('nav.loyalty'),
  };
  const groupLabels: Record<NavGroup, string> = {
    intelligence: t('nav.groups.intelligence'),
    loyalty: t('nav.groups.loyalty'),
    data: t('nav.groups.data'),
    admin: t('nav.groups.admin'),
  };
  const item = (page: NavPage) => ({
    key: page.key,
    icon: page.icon,
    label: (
      <Link to={page.path} data-testid={`nav-${page.key}`}>
        {labels[page.key]}
      </Link>
    ),
  });
  const items = navEntries(allowedPages(me.permissions)).map((entry) =>
    entry.kind === 'page'
      ? item(entry.page)
      : {
          key: `group:${entry.group}`,
          icon: NAV_GROUP_ICONS[entry.group],
          // data-nav-pages: which entries a folded section holds (its entries are not in the page until unfolded).
          label: (
            <span data-testid={`nav-group-${entry.group}`} data-nav-pages={entry.pages.map((p) => p.key).join(' ')}>
              {groupLabels[entry.group]}
            </span>
          ),
          children: entry.pages.map(item),
        },
  );
  const current = pageForPath(location.pathname);
  const selected = current?.key;
  // The section of the page on screen is always unfolded; others stay as the user left them.
  const currentGroup = current?.group ? `group:${current.group}` : undefined;
  const [openKeys, setOpenKeys] = useState<string[]>(currentGroup ? [currentGroup] : []);
  useEffect(() => {
    if (currentGroup) setOpenKeys((keys) => (keys.includes(currentGroup) ? keys : [...keys, currentGroup]));
  }, [currentGroup]);

  const onLogout = () => {
    // The session then has no user, and the route guard sends the browser to /login.
    logout().catch((error: unknown) => message.error(errorMessage(t, error)));
  };

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Sider collapsible collapsed={collapsed} onCollapse={setCollapsed} theme="light" width={220}>
        <div style={{ padding: 16, fontWeight: 600, fontSize: 18, whiteSpace: 'nowrap', overflow: 'hidden' }}>
          {collapsed ? t('app.shortName') : t('app.name')}
        </div>
        <Menu mode="inline" selectedKeys={selected ? [selected] : []} {...(collapsed ? {} : { openKeys, onOpenChange: setOpenKeys })} items={items} />
      </Sider>
      <Layout>
        <Header
          style={{
            background: 'transparent',
            display: 'flex',
            justifyContent: 'flex-end',
            alignItems: 'center',
            gap: 16,
            paddingInline: 24,
          }}
        >
          <LangSwitch />
          <Space size="small">
            <Typography.Text data-testid="user-name">{me.displayName}</Typography.Text>
            <Tag color="blue" data-testid="user-role">
              {t(`roles.${me.role}`)}
            </Tag>
          </Space>
          <Button icon={<LogoutOutlined />} onClick={onLogout} data-testid="logout">
            {t('auth.logout')}
          </Button>
        </Header>
        <Content style={{ margin: 24 }}>
          <Suspense fallback={<Spin style={{ display: 'block', marginTop: 80 }} />}>
            <Outlet />
          </Suspense>
        </Content>
      </Layout>
    </Layout>
  );
};

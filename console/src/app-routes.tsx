import { Result, Spin } from 'antd';
import { lazy, type ReactNode, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { RequirePermission } from './components/require-permission';
import { AppLayout } from './layout/app-layout';
import { firstAllowedPath } from './layout/nav-pages';
import { NotFoundPage } from './pages/errors/not-found-page';
import { useSession } from './session/session-context';

// Pages load on demand so the login screen does not pay for ECharts.
const LoginPage = lazy(() => import('./pages/auth/login-page').then((m) => ({ default: m.LoginPage })));
const DashboardPage = lazy(() => import('./pages/dashboard/dashboard-page').then((m) => ({ default: m.DashboardPage })));
const CustomerListPage = lazy(() => import('./pages/customers/customer-list-page').then((m) => ({ default: m.CustomerListPage })));
const CustomerDetailPage = lazy(() => import('./pages/customers/customer-detail-page').then((m) => ({ default: m.CustomerDetailPage })));
const UsersPage = lazy(() => import('./pages/users/users-page').then((m) => ({ default: m.UsersPage })));
const ApiKeysPage = lazy(() => import('./pages/users/api-keys-page').then((m) => ({ default: m.ApiKeysPage })));
const IdentityRulesPage = lazy(() => import('./pages/identity/identity-rules-page').then((m) => ({ default: m.IdentityRulesPage })));
const SourcesPage = lazy(() => import('./pages/ingest/sources-page').then((m) => ({ default: m.SourcesPage })));
const SourceDebuggerPage = lazy(() => import('./pages/ingest/source-debugger-page').then((m) => ({ default: m.SourceDebuggerPage })));
const ImportsPage = lazy(() => import('./pages/ingest/imports-page').then((m) => ({ default: m.ImportsPage })));
const ValueDashboardPage = lazy(() => import('./pages/intelligence/value-dashboard-page').then((m) => ({ default: m.ValueDashboardPage })));
const TierSchemePage = lazy(() => import('./pages/intelligence/tier-scheme-page').then((m) => ({ default: m.TierSchemePage })));
const TagsPage = lazy(() => import('./pages/intelligence/tags-page').then((m) => ({ default: m.TagsPage })));
const RecommendationsPage = lazy(() => import('./pages/intelligence/recommendations-page').then((m) => ({ default: m.RecommendationsPage })));
const LoyaltyPage = lazy(() => import('./pages/loyalty/loyalty-page').then((m) => ({ default: m.LoyaltyPage })));
const ModelsPage = lazy(() => import('./pages/intelligence/models-page').then((m) => ({ default: m.ModelsPage })));
const ChurnRiskPage = lazy(() => import('./pages/intelligence/churn-risk-page').then((m) => ({ default: m.ChurnRiskPage })));
const ValuePotentialPage = lazy(() => import('./pages/intelligence/value-potential-page').then((m) => ({ default: m.ValuePotentialPage })));
const AuditPage = lazy(() => import('./pages/audit/audit-page').then((m) => ({ default: m.AuditPage })));

const FullPageSpin = () => <Spin size="large" style={{ display: 'block', marginTop: '30vh' }} />;

const Authenticated = () => {
  const { me, loggedOut } = useSession();
  const location = useLocation();
  if (me === undefined) return <FullPageSpin />;
  if (me === null && loggedOut) return <Navigate to="/login" replace />;
  if (me === null) {
    const next = encodeURIComponent(`${location.pathname}${location.search}`);
    return <Navigate to={`/login?next=${next}`} replace />;
  }
  return <AppLayout me={me} />;
};

const Home = () => {
  const { t } = useTranslation();
  const { me } = useSession();
  const target = me ? firstAllowedPath(me.permissions) : undefined;
  if (target) return <Navigate to={target} replace />;
  return <Result status="403" title="403" subTitle={t('result.noPages')} />;
};

const guarded = (permission: Parameters<typeof RequirePermission>[0]['permission'], page: ReactNode) => (
  <RequirePermission permission={permission}>{page}</RequirePermission>
);

export const AppRoutes = () => (
  <Suspense fallback={<FullPageSpin />}>
    <Routes>
      <Route path="/login" element={<LoginPage />} />
      <Route element={<Authenticated />}>
        <Route index element={<Home />} />
        <Route path="dashboard" element={guarded('dashboard:read', <DashboardPage />)} />
        <Route path="customers" element={guarded('customers:read', <CustomerListPage />)} />
        <Route path="customers/:id" element={guarded('customers:read', <CustomerDetailPage />)} />
        <Route path="identity" element={guarded('ingest:read', <IdentityRulesPage />)} />
        <Route path="sources" element={guarded('ingest:read', <SourcesPage />)} />
        <Route path="sources/:id" element={guarded('ingest:read', <SourceDebuggerPage />)} />
        <Route path="imports" element={guarded('ingest:import', <ImportsPage />)} />
        <Route path="loyalty" element={guarded('loyalty:read', <LoyaltyPage />)} />
        <Route path="users" element={guarded('users:read', <UsersPage />)} />
        <Route path="api-keys" element={guarded('apikeys:manage', <ApiKeysPage />)} />
        <Route path="audit" element={guarded('audit:read', <AuditPage />)} />
        <Route path="models" element={guarded('intelligence:read', <ModelsPage />)} />
        <Route path="churn-risk" element={guarded('intelligence:read', <ChurnRiskPage />)} />
        <Route path="value-potential" element={guarded('intelligence:read', <ValuePotentialPage />)} />
        <Route path="value" element={guarded('intelligence:read', <ValueDashboardPage />)} />
        <Route path="tier-scheme" element={guarded('intelligence:read', <TierSchemePage />)} />
        <Route path="tags" element={guarded('intelligence:read', <TagsPage />)} />
        <Route path="recommendations" element={guarded('intelligence:read', <RecommendationsPage />)} />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  </Suspense>
);

import { Card, Spin } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import type { IdentityMetrics } from '../../api/identity-types';
import { useApi } from '../../api/use-api';
import { ErrorAlert } from '../../components/error-alert';
import { IdentityMetricsCards } from '../identity/identity-metrics-cards';

/** Identity card group; loads on its own so a slow measurement does not hold up the dashboard. */
export const IdentityKpiCards = () => {
  const { t } = useTranslation();
  const { data, error, loading } = useApi(() => api.get<IdentityMetrics>('/api/identity/metrics'), []);
  return (
    <Card title={t('dashboard.identity.title')} data-testid="dashboard-identity">
      <ErrorAlert error={error} />
      {loading && !data ? <Spin /> : data && <IdentityMetricsCards metrics={data} />}
    </Card>
  );
};

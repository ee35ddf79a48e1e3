import { Card, Spin } from 'antd';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../components/error-alert';
import { IdentityMeasuredAt, useIdentityMetrics } from '../identity/identity-measurement';
import { IdentityMetricsCards } from '../identity/identity-metrics-cards';

/** Identity card group; loads on its own so a slow measurement does not hold up the dashboard. */
export const IdentityKpiCards = () => {
  const { t } = useTranslation();
  const { data, error, loading, reload } = useIdentityMetrics();
  return (
    <Card title={t('dashboard.identity.title')} data-testid="dashboard-identity">
      <ErrorAlert error={error} />
      {loading && !data ? <Spin /> : data && <IdentityMetricsCards metrics={data} />}
      {data && <IdentityMeasuredAt metrics={data} onQueued={reload} />}
    </Card>
  );
};

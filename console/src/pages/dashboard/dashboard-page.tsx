import { Card, Space, Spin, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import type { DashboardOverview } from '../../api/types';
import { useApi } from '../../api/use-api';
import { ErrorAlert } from '../../components/error-alert';
import { IdentityKpiCards } from './identity-kpi-cards';
import { KpiCards } from './kpi-cards';
import { MonthlyChart } from './monthly-chart';

export const DashboardPage = () => {
  const { t } = useTranslation();
  const { data, error, loading } = useApi(() => api.get<DashboardOverview>('/api/dashboard/overview'), []);

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <Typography.Title level={3} style={{ margin: 0 }}>
        {t('dashboard.title')}
      </Typography.Title>
      <ErrorAlert error={error} />
      {loading && !data ? (
        <Spin />
      ) : (
        data && (
          <>
            <KpiCards overview={data} />
            <IdentityKpiCards />
            <Card title={t('dashboard.chartTitle')}>
              <MonthlyChart monthly={data.monthly} />
            </Card>
          </>
        )
      )}
    </Space>
  );
};

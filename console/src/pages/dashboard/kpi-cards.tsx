import { Card, Col, Row, Statistic } from 'antd';
import { useTranslation } from 'react-i18next';
import type { DashboardOverview } from '../../api/types';
import { formatFen, formatPercent } from '../../format/money';

interface Kpi {
  key: string;
  title: string;
  value: string | number;
}

export const KpiCards = ({ overview }: { overview: DashboardOverview }) => {
  const { t } = useTranslation();
  const kpis: Kpi[] = [
    { key: 'customers-total', title: t('dashboard.customersTotal'), value: overview.customers.total },
    { key: 'customers-new', title: t('dashboard.customersNew30d'), value: overview.customers.newLast30d },
    { key: 'orders-30d', title: t('dashboard.orders30d'), value: overview.orders.last30d },
    { key: 'revenue-30d', title: t('dashboard.revenue30d'), value: formatFen(overview.revenueFen.last30d) },
    { key: 'revenue-365d', title: t('dashboard.revenue365d'), value: formatFen(overview.revenueFen.last365d) },
    { key: 'refund-rate', title: t('dashboard.refundRate'), value: formatPercent(overview.refundRate) },
    { key: 'active-90d', title: t('dashboard.activeCustomers90d'), value: overview.activeCustomers90d },
  ];

  return (
    <Row gutter={[16, 16]}>
      {kpis.map((kpi) => (
        <Col key={kpi.key} xs={24} sm={12} lg={6} xl={6}>
          <Card data-testid={`kpi-${kpi.key}`}>
            <Statistic title={kpi.title} value={kpi.value} />
          </Card>
        </Col>
      ))}
    </Row>
  );
};

import { Card, Col, Row, Statistic } from 'antd';
import { useTranslation } from 'react-i18next';
import type { CustomerStats } from '../../api/types';
import { formatDate } from '../../format/date';
import { formatFen } from '../../format/money';

export const CustomerStatsCards = ({ stats }: { stats: CustomerStats }) => {
  const { t } = useTranslation();
  const cards = [
    { key: 'orders', title: t('customers.orderCount'), value: stats.orderCount },
    { key: 'spent', title: t('customers.totalSpent'), value: formatFen(stats.totalSpentFen) },
    { key: 'refunded', title: t('customers.refunded'), value: formatFen(stats.refundedFen) },
    { key: 'average', title: t('customers.averageOrder'), value: formatFen(stats.averageOrderFen) },
    { key: 'first', title: t('customers.firstOrderAt'), value: formatDate(stats.firstOrderAt) },
    { key: 'last', title: t('customers.lastOrderAt'), value: formatDate(stats.lastOrderAt) },
  ];
  return (
    <Row gutter={[16, 16]}>
      {cards.map((card) => (
        <Col key={card.key} xs={12} md={8} xl={4}>
          <Card size="small" data-testid={`customer-stat-${card.key}`}>
            <Statistic title={card.title} value={card.value} />
          </Card>
        </Col>
      ))}
    </Row>
  );
};

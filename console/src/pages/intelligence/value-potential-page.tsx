import { Alert, Card, Col, Empty, Progress, Row, Space, Spin, Statistic, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { useApi } from '../../api/use-api';
import { usePagedApi } from '../../api/use-paged-api';
import { ErrorAlert } from '../../components/error-alert';
import { ServerPagedTable } from '../../components/server-paged-table';
import { formatDateTime } from '../../format/date';
import { formatFen, formatPercent } from '../../format/money';
import { QUADRANTS, type Quadrant, type ValuePotentialItem, type ValuePotentialOverview, type ValuePotentialResult } from './models-types';
import { scoredCustomerColumn } from './scored-customer-column';
import { QUADRANT_COLORS, ValuePotentialChart } from './value-potential-chart';

/** Value × potential (价值 × 潜力): where customers are now and where the CLV model expects them. */
export const ValuePotentialPage = () => {
  const { t } = useTranslation();
  const [quadrant, setQuadrant] = useState<Quadrant>('high_potential_mid_spend');
  const overview = useApi(() => api.get<ValuePotentialOverview>('/api/intelligence/value-potential'), []);
  const list = usePagedApi((paging) => api.get<ValuePotentialResult>('/api/intelligence/value-potential/customers', { quadrant, ...paging }), [quadrant]);
  const data = overview.data;

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={3} style={{ margin: 0 }}>
        {t('scoring.valuePotentialTitle')}
      </Typography.Title>
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
        {data
          ? t('scoring.valuePotentialIntro', {
              value: formatPercent(1 - data.thresholds.highValuePercentile),
              low: formatPercent(data.thresholds.lowValuePercentile),
              potential: formatPercent(1 - data.thresholds.highPotentialPercentile),
            })
          : null}
      </Typography.Paragraph>
      <ErrorAlert error={overview.error} />
      {!data ? (
        overview.loading && <Spin />
      ) : data.customers === 0 ? (
        <Empty description={t('scoring.noResults')} />
      ) : (
        <>
          <Row gutter={[16, 16]}>
            {QUADRANTS.map((q) => {
              const s = data.quadrants.find((x) => x.quadrant === q);
              const selected = q === quadrant;
              return (
                <Col key={q} flex="1 1 220px">
                  <Card
                    hoverable
                    size="small"
                    onClick={() => {
                      setQuadrant(q);
                      list.firstPage();
                    }}
                    style={{ borderColor: selected ? QUADRANT_COLORS[q] : undefined, borderWidth: selected ? 2 : 1 }}
                    data-testid={`quadrant-${q}`}
                  >
                    <Statistic title={t(`scoring.quadrants.${q}`)} value={s?.customers ?? 0} />
                    <Progress percent={Math.round(((s?.customers ?? 0) / data.customers) * 100)} strokeColor={QUADRANT_COLORS[q]} size="small" />
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {t('scoring.quadrantMoney', { value: formatFen(s?.value12mFen ?? 0), clv: formatFen(s?.clv12mFen ?? 0) })}
                    </Typography.Text>
                  </Card>
                </Col>
              );
            })}
          </Row>
          <Card title={t('scoring.scatterTitle')} extra={data.scoredAt && <Typography.Text type="secondary">{formatDateTime(data.scoredAt)}</Typography.Text>}>
            <ValuePotentialChart sample={data.sample} />
          </Card>
        </>
      )}
      <Card title={t(`scoring.quadrants.${quadrant}`)}>
        <Typography.Paragraph type="secondary">{t(`scoring.quadrantHints.${quadrant}`)}</Typography.Paragraph>
        {list.data?.masked && <Alert type="info" showIcon title={t('customers.maskedNotice')} style={{ marginBottom: 12 }} />}
        <ServerPagedTable<ValuePotentialItem>
          list={list}
          showSizeChanger
          rowKey="customerId"
          data-testid="value-potential-table"
          columns={[
            scoredCustomerColumn<ValuePotentialItem>(t),
            { title: t('scoring.potentialIndex'), dataIndex: 'potentialIndex', align: 'right' },
            { title: t('scoring.value12m'), dataIndex: 'value12mFen', align: 'right', render: (v: number) => formatFen(v) },
            { title: t('scoring.clv12m'), dataIndex: 'clv12mFen', align: 'right', render: (v: number) => formatFen(v) },
            { title: t('scoring.pAlive'), dataIndex: 'pAlive', align: 'right', render: (v: number) => formatPercent(v) },
            { title: t('scoring.expected90d'), dataIndex: 'expectedPurchases90d', align: 'right', render: (v: number) => v.toFixed(2) },
          ]}
        />
      </Card>
    </Space>
  );
};

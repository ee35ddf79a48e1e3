import { Card, Col, Descriptions, Empty, Row, Space, Spin, Statistic, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { useApi } from '../../api/use-api';
import { ErrorAlert } from '../../components/error-alert';
import { formatDateTime } from '../../format/date';
import { formatFen, formatPercent } from '../../format/money';
import { ChurnFactors } from './churn-risk-factors';
import { riskColor } from './churn-risk-page';
import type { CustomerScores } from './models-types';

/** The 360° page's scores: CLV, P(alive), value × potential, churn risk with the factors behind it. */
export const ScoresPanel = ({ customerId }: { customerId: string }) => {
  const { t } = useTranslation();
  const { data, error, loading } = useApi(() => api.get<CustomerScores>(`/api/customers/${encodeURIComponent(customerId)}/scores`), [customerId]);
  if (loading && !data) return <Spin />;
  if (error) return <ErrorAlert error={error} />;
  if (!data) return null;
  const { clv, churn } = data;
  if (!clv && !churn) return <Empty description={t('scoring.noScores')} data-testid="scores-empty" />;
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }} data-testid="customer-scores">
      {clv && (
        <Card size="small" title={t('scoring.clvModel')} extra={<Typography.Text type="secondary">{formatDateTime(clv.scoredAt)}</Typography.Text>}>
          <Row gutter={16}>
            <Col xs={12} md={6}>
              <Statistic title={t('scoring.clv12m')} value={formatFen(clv.clv12mFen)} data-testid="score-clv" />
            </Col>
            <Col xs={12} md={6}>
              <Statistic title={t('scoring.pAlive')} value={formatPercent(clv.pAlive)} data-testid="score-palive" />
            </Col>
            <Col xs={12} md={6}>
              <Statistic title={t('scoring.potentialIndex')} value={clv.potentialIndex} />
            </Col>
            <Col xs={12} md={6}>
              <Statistic title={t('scoring.value12m')} value={formatFen(clv.value12mFen)} />
            </Col>
          </Row>
          <Descriptions size="small" column={{ xs: 1, md: 3 }} style={{ marginTop: 12 }}>
            <Descriptions.Item label={t('scoring.quadrant')}>
              <Tag>{t(`scoring.quadrants.${clv.quadrant}`)}</Tag>
            </Descriptions.Item>
            <Descriptions.Item label={t('scoring.expectedPurchases')}>
              {t('scoring.expectedTriple', {
                d30: clv.expectedPurchases30d.toFixed(2),
                d90: clv.expectedPurchases90d.toFixed(2),
                d365: clv.expectedPurchases365d.toFixed(2),
              })}
            </Descriptions.Item>
            <Descriptions.Item label={t('scoring.expectedSpend')}>{formatFen(clv.expectedSpendFen)}</Descriptions.Item>
            <Descriptions.Item label={t('scoring.history')}>
              {t('scoring.historyLine', { repeats: clv.frequency, recency: clv.recencyDays, age: clv.ageDays })}
            </Descriptions.Item>
          </Descriptions>
        </Card>
      )}
      <Card size="small" title={t('scoring.churnModel')} extra={churn && <Typography.Text type="secondary">{formatDateTime(churn.scoredAt)}</Typography.Text>}>
        {churn ? (
          <Space orientation="vertical">
            <Space>
              {t('scoring.risk')}
              <Tag color={riskColor(churn.risk)} data-testid="score-churn-risk">
                {formatPercent(churn.risk)}
              </Tag>
            </Space>
            <Typography.Text type="secondary">{t('scoring.why')}</Typography.Text>
            <ChurnFactors factors={churn.factors} />
          </Space>
        ) : (
          <Typography.Text type="secondary">{t('scoring.noChurnScore')}</Typography.Text>
        )}
      </Card>
    </Space>
  );
};

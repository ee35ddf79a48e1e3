import { Card, Descriptions, Empty, Space, Spin, Table, Tag, Timeline, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { useApi } from '../../api/use-api';
import { ErrorAlert } from '../../components/error-alert';
import { formatDate, formatDateTime } from '../../format/date';
import { formatFen } from '../../format/money';
import { reasonText, tierLabel } from './tier-scheme-labels';
import type { CustomerSegment } from './value-dashboard-types';

/** The 360° page's value section: tier with its reason, lifecycle stage, RFM scores and the history of both. */
export const CustomerTierHistory = ({ customerId }: { customerId: string }) => {
  const { t } = useTranslation();
  const { data, error, loading } = useApi(() => api.get<CustomerSegment>(`/api/segmentation/customers/${encodeURIComponent(customerId)}`), [customerId]);
  if (loading && !data) return <Spin />;
  if (!data) return <ErrorAlert error={error} />;
  const { tier, stage, rfm } = data;

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }} data-testid="customer-tier">
      <Card size="small">
        <Descriptions size="small" column={{ xs: 1, md: 2, xl: 3 }}>
          <Descriptions.Item label={t('segmentation.customer.tier')}>
            {tier ? (
              <Space orientation="vertical" size={0}>
                <Tag color="blue" data-testid="customer-tier-name">
                  {tierLabel(t, tier.schemeId, tier.tier)}
                </Tag>
                <Typography.Text type="secondary" data-testid="customer-tier-reason">
                  {reasonText(t, tier.reasonDetail, tier.reason)}
                </Typography.Text>
                <Typography.Text type="secondary">{t('segmentation.customer.since', { date: formatDate(tier.since) })}</Typography.Text>
              </Space>
            ) : (
              t('segmentation.noTier')
            )}
          </Descriptions.Item>
          <Descriptions.Item label={t('segmentation.customer.stage')}>
            {stage ? (
              <Space orientation="vertical" size={0}>
                <Tag color="purple" data-testid="customer-stage">
                  {t(`segmentation.stages.${stage.stage}`)}
                </Tag>
                <Typography.Text type="secondary">{t('segmentation.customer.since', { date: formatDate(stage.since) })}</Typography.Text>
              </Space>
            ) : (
              '—'
            )}
          </Descriptions.Item>
          <Descriptions.Item label={t('segmentation.customer.rfm')}>
            {rfm ? (
              <Space orientation="vertical" size={0}>
                <Typography.Text strong data-testid="customer-rfm-class">{`R${rfm.r} F${rfm.f} M${rfm.m}`}</Typography.Text>
                <Typography.Text type="secondary">
                  {t('segmentation.customer.rfmValues', { days: rfm.recencyDays, orders: rfm.frequency, amount: formatFen(rfm.monetaryFen) })}
                </Typography.Text>
                <Typography.Text type="secondary">{t('segmentation.customer.rfmScale', { buckets: rfm.buckets, date: formatDate(rfm.asOf) })}</Typography.Text>
              </Space>
            ) : (
              t('segmentation.customer.noRfm')
            )}
          </Descriptions.Item>
        </Descriptions>
      </Card>
      <Card size="small" title={t('segmentation.customer.tierHistory')}>
        {data.tierHistory.length === 0 ? (
          <Empty description={t('segmentation.customer.noHistory')} />
        ) : (
          <Timeline
            data-testid="tier-history"
            items={data.tierHistory.map((h) => ({
              key: h.runId,
              children: (
                <Space orientation="vertical" size={0} data-testid="tier-history-item">
                  <Typography.Text>
                    {formatDateTime(h.changedAt)} · {h.fromTier ? tierLabel(t, h.fromSchemeId, h.fromTier) : t('segmentation.dashboard.noPreviousTier')} →{' '}
                    <Typography.Text strong>{tierLabel(t, h.schemeId, h.toTier)}</Typography.Text>
                  </Typography.Text>
                  <Typography.Text type="secondary">{reasonText(t, h.reasonDetail, h.reason)}</Typography.Text>
                </Space>
              ),
            }))}
          />
        )}
      </Card>
      <Card size="small" title={t('segmentation.customer.stageHistory')}>
        <Table
          size="small"
          rowKey="runId"
          pagination={false}
          data-testid="stage-history"
          dataSource={data.stageHistory}
          columns={[
            { title: t('segmentation.customer.changedAt'), key: 'at', render: (_, h) => formatDateTime(h.changedAt) },
            { title: t('segmentation.customer.fromStage'), key: 'from', render: (_, h) => (h.fromStage ? t(`segmentation.stages.${h.fromStage}`) : '—') },
            { title: t('segmentation.customer.toStage'), key: 'to', render: (_, h) => t(`segmentation.stages.${h.toStage}`) },
          ]}
        />
      </Card>
    </Space>
  );
};

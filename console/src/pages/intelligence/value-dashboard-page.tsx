import { Card, Col, Descriptions, Empty, Row, Space, Spin, Typography } from 'antd';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { useApi } from '../../api/use-api';
import { ErrorAlert } from '../../components/error-alert';
import { formatDateTime } from '../../format/date';
import { schemeLabel } from './tier-scheme-labels';
import { RunNowButton } from './tier-scheme-run-button';
import { LifecycleFunnel, RfmHeatmap, TierDistributionChart } from './value-dashboard-charts';
import { TierMovementTable } from './value-dashboard-movement';
import type { SegmentationRun, ValueDashboard } from './value-dashboard-types';

/** Polls while a run is queued or running, so the page updates by itself when it ends. */
export const usePollWhilePending = (pending: boolean | undefined, reload: () => void) => {
  useEffect(() => {
    if (!pending) return;
    const timer = setInterval(reload, 3000);
    return () => clearInterval(timer);
  }, [pending, reload]);
};

const RunFacts = ({ run }: { run: SegmentationRun }) => {
  const { t } = useTranslation();
  return (
    <Descriptions size="small" column={{ xs: 1, md: 3, xl: 6 }} data-testid="segmentation-run-facts">
      <Descriptions.Item label={t('segmentation.dashboard.asOf')}>{formatDateTime(run.asOf)}</Descriptions.Item>
      <Descriptions.Item label={t('segmentation.dashboard.scheme')}>{schemeLabel(t, run.schemeId)}</Descriptions.Item>
      <Descriptions.Item label={t('segmentation.dashboard.customers')}>
        <span data-testid="segmentation-customers">{run.customers.toLocaleString()}</span>
      </Descriptions.Item>
      <Descriptions.Item label={t('segmentation.dashboard.scored')}>{run.scored.toLocaleString()}</Descriptions.Item>
      <Descriptions.Item label={t('segmentation.dashboard.tierChanges')}>{run.tierChanges.toLocaleString()}</Descriptions.Item>
      <Descriptions.Item label={t('segmentation.dashboard.trigger')}>{t(`segmentation.triggers.${run.trigger}`)}</Descriptions.Item>
    </Descriptions>
  );
};

export const ValueDashboardPage = () => {
  const { t } = useTranslation();
  const { data, error, loading, reload } = useApi(() => api.get<ValueDashboard>('/api/segmentation/dashboard'), []);
  usePollWhilePending(data?.pending, reload);
  const latest = data?.latest;

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center', gap: 16 }}>
        <div>
          <Typography.Title level={3} style={{ margin: 0 }}>
            {t('segmentation.dashboard.title')}
          </Typography.Title>
          <Typography.Text type="secondary">{t('segmentation.dashboard.intro')}</Typography.Text>
        </div>
        <RunNowButton pending={data?.pending ?? false} onQueued={reload} />
      </div>
      <ErrorAlert error={error} />
      {loading && !data ? (
        <Spin />
      ) : !latest ? (
        <Card>
          <Empty description={t('segmentation.dashboard.noRun')} data-testid="segmentation-no-run" />
        </Card>
      ) : (
        <>
          <Card size="small">
            <RunFacts run={latest} />
          </Card>
          <Row gutter={[16, 16]}>
            <Col xs={24} xl={12}>
              <Card title={t('segmentation.dashboard.distributionTitle')} data-testid="tier-distribution">
                <TierDistributionChart latest={latest} previous={data?.previous ?? null} />
              </Card>
            </Col>
            <Col xs={24} xl={12}>
              <Card title={t('segmentation.dashboard.movementTitle')}>
                <TierMovementTable run={latest} />
              </Card>
            </Col>
            <Col xs={24} xl={14}>
              <Card
                title={t('segmentation.dashboard.heatmapTitle')}
                extra={<Typography.Text type="secondary">{t('segmentation.dashboard.heatmapHelp')}</Typography.Text>}
                data-testid="rfm-heatmap"
              >
                <RfmHeatmap run={latest} />
              </Card>
            </Col>
            <Col xs={24} xl={10}>
              <Card title={t('segmentation.dashboard.funnelTitle')} data-testid="lifecycle-funnel">
                <LifecycleFunnel run={latest} />
              </Card>
            </Col>
          </Row>
        </>
      )}
    </Space>
  );
};

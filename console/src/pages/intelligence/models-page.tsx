import { PlayCircleOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Col, Descriptions, Empty, Row, Space, Spin, Statistic, Table, Tag, Typography } from 'antd';
import { type ReactNode, useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { useApi } from '../../api/use-api';
import { ErrorAlert } from '../../components/error-alert';
import { formatDateTime } from '../../format/date';
import { formatFen, formatPercent } from '../../format/money';
import { errorMessage } from '../../i18n/error-message';
import { useSession } from '../../session/session-context';
import { ModelsHoldoutChart } from './models-holdout-chart';
import { ModelsSettingsCard } from './models-settings-card';
import type { ChurnDiagnostics, ClvDiagnostics, KindStatus, ModelKind, ModelRun, ModelsOverview } from './models-types';

const STATUS_COLOR = { queued: 'default', running: 'processing', succeeded: 'success', failed: 'error' } as const;

const fixed = (n: number, digits = 3) => n.toFixed(digits);

const RunStatus = ({ status }: { status: KindStatus<unknown> }) => {
  const { t } = useTranslation();
  const latest = status.latest as ModelRun | null;
  if (!latest) return <Typography.Text type="secondary">{t('scoring.neverRun')}</Typography.Text>;
  return (
    <Space orientation="vertical" size={4} style={{ width: '100%' }}>
      <Space wrap>
        <Tag color={STATUS_COLOR[latest.status]} data-testid={`run-status-${latest.kind}`}>
          {t(`scoring.statuses.${latest.status}`)}
        </Tag>
        <Typography.Text type="secondary">
          {t('scoring.lastRun', {
            at: formatDateTime(latest.finishedAt ?? latest.startedAt ?? latest.createdAt),
            trigger: t(`scoring.triggers.${latest.trigger}`),
          })}
        </Typography.Text>
      </Space>
      {latest.status === 'failed' && latest.error && <Alert type="warning" showIcon title={latest.error} />}
    </Space>
  );
};

const RunButton = ({ kind, busy, onQueued }: { kind: ModelKind; busy: boolean; onQueued: () => void }) => {
  const { t } = useTranslation();
  const { can } = useSession();
  const { message } = App.useApp();
  if (!can('intelligence:manage')) return null;
  const run = async () => {
    try {
      await api.post('/api/intelligence/models/runs', { kind });
      message.success(t('scoring.queued'));
      onQueued();
    } catch (e) {
      message.error(errorMessage(t, e));
    }
  };
  return (
    <Button icon={<PlayCircleOutlined />} loading={busy} disabled={busy} onClick={run} data-testid={`run-now-${kind}`}>
      {t('scoring.runNow')}
    </Button>
  );
};

type CardProps<D> = { status: KindStatus<D>; busy: boolean; onQueued: () => void };

/** A model's card: its latest run, "run now", and what `children` shows of the last successful run's diagnostics. */
const ModelCard = <D,>({ kind, title, status, busy, onQueued, children }: CardProps<D> & { kind: ModelKind; title: string; children: (d: D) => ReactNode }) => {
  const { t } = useTranslation();
  const d = status.lastSuccess?.diagnostics;
  return (
    <Card title={title} extra={<RunButton kind={kind} busy={busy} onQueued={onQueued} />} data-testid={`${kind}-card`}>
      <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
        <RunStatus status={status} />
        {d ? children(d) : <Empty description={t('scoring.noResults')} />}
      </Space>
    </Card>
  );
};

const ClvCard = (props: CardProps<ClvDiagnostics>) => {
  const { t } = useTranslation();
  return (
    <ModelCard kind="clv" title={t('scoring.clvModel')} {...props}>
      {(d) => (
        <>
          <Row gutter={16}>
            <Col span={8}>
              <Statistic title={t('scoring.customersFitted')} value={d.customers} />
            </Col>
            <Col span={8}>
              <Statistic title={t('scoring.repeatCustomers')} value={d.repeatCustomers} />
            </Col>
            <Col span={8}>
              <Statistic title={t('scoring.logLikelihood')} value={d.bgnbd.logLikelihood.toFixed(1)} />
            </Col>
          </Row>
          <Descriptions size="small" bordered column={2} data-testid="clv-parameters">
            <Descriptions.Item label="BG/NBD r">{fixed(d.bgnbd.r)}</Descriptions.Item>
            <Descriptions.Item label={`BG/NBD α (${t(`scoring.units.${d.timeUnit}`)})`}>{fixed(d.bgnbd.alpha)}</Descriptions.Item>
            <Descriptions.Item label="BG/NBD a">{fixed(d.bgnbd.a)}</Descriptions.Item>
            <Descriptions.Item label="BG/NBD b">{fixed(d.bgnbd.b)}</Descriptions.Item>
            <Descriptions.Item label="Gamma-Gamma p">{fixed(d.gammaGamma.p)}</Descriptions.Item>
            <Descriptions.Item label="Gamma-Gamma q">{fixed(d.gammaGamma.q)}</Descriptions.Item>
            <Descriptions.Item label="Gamma-Gamma ν">{formatFen(Math.round(d.gammaGamma.v))}</Descriptions.Item>
            <Descriptions.Item label={t('scoring.iterations')}>
              {d.bgnbd.iterations} / {d.gammaGamma.iterations}
            </Descriptions.Item>
            <Descriptions.Item label={t('scoring.calibrationEnd')}>{d.calibrationEnd}</Descriptions.Item>
            <Descriptions.Item label={t('scoring.discountRate')}>{formatPercent(d.annualDiscountRate)}</Descriptions.Item>
          </Descriptions>
          <Typography.Title level={5} style={{ margin: 0 }}>
            {t('scoring.holdoutTitle')}
          </Typography.Title>
          {d.holdout ? (
            <>
              <Typography.Text type="secondary" data-testid="holdout-summary">
                {t('scoring.holdoutSummary', {
                  days: d.holdout.holdoutDays,
                  from: d.holdout.calibrationEnd,
                  customers: d.holdout.customers,
                  predicted: d.holdout.predicted.toFixed(0),
                  actual: d.holdout.actual,
                })}
              </Typography.Text>
              <ModelsHoldoutChart buckets={d.holdout.byFrequency} />
            </>
          ) : (
            <Typography.Text type="secondary">{t('scoring.holdoutNone')}</Typography.Text>
          )}
        </>
      )}
    </ModelCard>
  );
};

const ChurnCard = (props: CardProps<ChurnDiagnostics>) => {
  const { t } = useTranslation();
  return (
    <ModelCard kind="churn" title={t('scoring.churnModel')} {...props}>
      {(d) => (
        <>
          <Row gutter={16}>
            <Col span={8}>
              <Statistic title={t('scoring.auc')} value={fixed(d.heldOut.auc)} data-testid="churn-auc" />
            </Col>
            <Col span={8}>
              <Statistic title={t('scoring.accuracy')} value={formatPercent(d.heldOut.accuracy)} />
            </Col>
            <Col span={8}>
              <Statistic title={t('scoring.majorityAccuracy')} value={formatPercent(d.heldOut.majorityAccuracy)} />
            </Col>
          </Row>
          <Typography.Text type="secondary">
            {t('scoring.churnSummary', {
              cutoff: d.trainingCutoff.slice(0, 10),
              horizon: d.horizonDays,
              train: d.training.customers,
              heldOut: d.heldOut.customers,
              rate: formatPercent(d.training.churnRate),
              scored: d.scored,
            })}
          </Typography.Text>
          <Table
            size="small"
            rowKey="feature"
            pagination={false}
            dataSource={d.coefficients}
            columns={[
              { title: t('scoring.feature'), dataIndex: 'feature', render: (f: string) => t(`scoring.features.${f}`, { defaultValue: f }) },
              {
                title: t('scoring.effect'),
                dataIndex: 'coefficient',
                align: 'right',
                render: (c: number) => (
                  <Typography.Text type={c > 0 ? 'danger' : c < 0 ? 'success' : 'secondary'}>{c > 0 ? `+${c.toFixed(3)}` : c.toFixed(3)}</Typography.Text>
                ),
              },
            ]}
          />
        </>
      )}
    </ModelCard>
  );
};

/** Fit diagnostics of the CLV and churn models, their last runs, "run now", and the scoring settings. */
export const ModelsPage = () => {
  const { t } = useTranslation();
  const { can } = useSession();
  const overview = useApi(() => api.get<ModelsOverview>('/api/intelligence/models'), []);
  const active = (s: KindStatus<unknown> | undefined) => s?.latest?.status === 'queued' || s?.latest?.status === 'running';
  const busy = active(overview.data?.clv) || active(overview.data?.churn);
  const { reload } = overview;

  // While a run is queued or running, look again every few seconds.
  useEffect(() => {
    if (!busy) return;
    const timer = setInterval(reload, 3000);
    return () => clearInterval(timer);
  }, [busy, reload]);

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={3} style={{ margin: 0 }}>
        {t('scoring.modelsTitle')}
      </Typography.Title>
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
        {t('scoring.modelsIntro')}
      </Typography.Paragraph>
      <ErrorAlert error={overview.error} />
      {!overview.data ? (
        overview.loading && <Spin />
      ) : (
        <Row gutter={[16, 16]}>
          <Col xs={24} xl={14}>
            <ClvCard status={overview.data.clv} busy={active(overview.data.clv)} onQueued={reload} />
          </Col>
          <Col xs={24} xl={10}>
            <ChurnCard status={overview.data.churn} busy={active(overview.data.churn)} onQueued={reload} />
          </Col>
        </Row>
      )}
      <ModelsSettingsCard mayEdit={can('intelligence:manage')} />
    </Space>
  );
};

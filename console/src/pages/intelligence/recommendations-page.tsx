import { PlayCircleOutlined, PoweroffOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Col, Descriptions, Form, Input, Modal, Row, Space, Statistic, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { useApi } from '../../api/use-api';
import { ErrorAlert } from '../../components/error-alert';
import { formatDateTime } from '../../format/date';
import { formatPercent } from '../../format/money';
import { errorMessage } from '../../i18n/error-message';
import { useSession } from '../../session/session-context';
import type { ListMetrics, ModeMetrics, RecommendationsOverview, SwitchChange } from './recommendations-api';

const pct = (x: number | null | undefined) => (x === null || x === undefined ? '—' : formatPercent(x));
const num = (x: number | null | undefined) => (x === null || x === undefined ? '—' : x.toFixed(3));

const MetricsTable = ({ metrics, testId }: { metrics: ModeMetrics; testId: string }) => {
  const { t } = useTranslation();
  const rows: { key: string; label: string; personalised: string; popular: string }[] = [
    { key: 'hitRate', label: t('recommendations.hitRate'), personalised: pct(metrics.personalised.hitRate), popular: pct(metrics.popular.hitRate) },
    { key: 'coverage', label: t('recommendations.coverage'), personalised: pct(metrics.personalised.coverage), popular: pct(metrics.popular.coverage) },
    { key: 'gini', label: t('recommendations.gini'), personalised: num(metrics.personalised.gini), popular: num(metrics.popular.gini) },
    {
      key: 'ild',
      label: t('recommendations.intraListDiversity'),
      personalised: num(metrics.personalised.intraListDiversity),
      popular: num(metrics.popular.intraListDiversity),
    },
  ];
  return (
    <Table
      size="small"
      pagination={false}
      rowKey="key"
      dataSource={rows}
      data-testid={testId}
      columns={[
        { title: t('recommendations.measure'), dataIndex: 'label' },
        { title: t('recommendations.modes.personalised'), dataIndex: 'personalised', align: 'right' },
        { title: t('recommendations.modes.popular'), dataIndex: 'popular', align: 'right' },
      ]}
    />
  );
};

const hit = (m: ListMetrics | undefined) => m?.hitRate ?? null;

/** The emergency stop: one switch, with a reason, for the whole company. */
const SwitchCard = ({ overview, onChanged }: { overview: RecommendationsOverview; onChanged: () => void }) => {
  const { t } = useTranslation();
  const { can } = useSession();
  const { message } = App.useApp();
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<{ reason: string }>();
  const stopped = overview.switch.stopped;

  const submit = async () => {
    const { reason } = await form.validateFields();
    try {
      await api.post<{ change: SwitchChange }>('/api/recommendations/switch', { stopped: !stopped, reason });
      message.success(t(stopped ? 'recommendations.resumed' : 'recommendations.stoppedNow'));
      setOpen(false);
      form.resetFields();
      onChanged();
    } catch (e) {
      message.error(errorMessage(t, e));
    }
  };

  return (
    <Card size="small" title={t('recommendations.switchTitle')}>
      <Space orientation="vertical" style={{ width: '100%' }}>
        {stopped ? (
          <Alert
            type="error"
            showIcon
            data-testid="recommendations-stopped"
            title={t('recommendations.stoppedBanner', { by: overview.switch.by, at: formatDateTime(overview.switch.at) })}
            description={overview.switch.reason}
          />
        ) : (
          <Alert type="success" showIcon data-testid="recommendations-running" title={t('recommendations.runningBanner')} />
        )}
        <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
          {t('recommendations.switchHelp')}
        </Typography.Paragraph>
        {can('recommendations:stop') && (
          <Button danger={!stopped} type="primary" icon={<PoweroffOutlined />} onClick={() => setOpen(true)} data-testid="recommendations-switch">
            {stopped ? t('recommendations.resume') : t('recommendations.stop')}
          </Button>
        )}
      </Space>
      <Modal
        open={open}
        title={stopped ? t('recommendations.resume') : t('recommendations.stop')}
        okText={t('common.save')}
        cancelText={t('common.cancel')}
        okButtonProps={{ danger: !stopped, 'data-testid': 'recommendations-switch-confirm' } as never}
        onOk={() => submit().catch(() => undefined)}
        onCancel={() => setOpen(false)}
        forceRender
      >
        <Form form={form} layout="vertical">
          <Form.Item
            name="reason"
            label={t('recommendations.reason')}
            rules={[{ required: true, whitespace: true, message: t('common.required') }, { max: 500 }]}
          >
            <Input.TextArea rows={3} data-testid="recommendations-switch-reason" />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
};

/** The model's last training, its hold-out hit rate and diversity next to most-popular, and the emergency stop. */
export const RecommendationsPage = () => {
  const { t } = useTranslation();
  const { can } = useSession();
  const { message } = App.useApp();
  const { data, error, reload } = useApi(() => api.get<RecommendationsOverview>('/api/recommendations'), []);
  const [training, setTraining] = useState(false);
  const model = data?.model;

  const train = async () => {
    setTraining(true);
    try {
      await api.post('/api/recommendations/train');
      message.success(t('recommendations.trained'));
      reload();
    } catch (e) {
      message.error(errorMessage(t, e));
    } finally {
      setTraining(false);
    }
  };

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center' }}>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('recommendations.title')}
        </Typography.Title>
        {can('intelligence:manage') && (
          <Button icon={<PlayCircleOutlined />} loading={training} onClick={() => train()} data-testid="recommendations-train">
            {t('recommendations.trainNow')}
          </Button>
        )}
      </div>
      <ErrorAlert error={error} />
      {data && <SwitchCard overview={data} onChanged={reload} />}
      <Card size="small" title={t('recommendations.modelTitle')}>
        {model ? (
          <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
            <Descriptions
              size="small"
              column={{ xs: 1, md: 3 }}
              items={[
                { key: 'at', label: t('recommendations.trainedAt'), children: formatDateTime(model.trainedAt) },
                { key: 'by', label: t('recommendations.trainedBy'), children: model.trainedBy },
                { key: 'seconds', label: t('recommendations.seconds'), children: `${model.seconds.toFixed(1)} s` },
                { key: 'baskets', label: t('recommendations.baskets'), children: model.baskets.toLocaleString() },
                { key: 'items', label: t('recommendations.items'), children: model.items.toLocaleString() },
                { key: 'pairs', label: t('recommendations.pairs'), children: model.pairs.toLocaleString() },
              ]}
            />
            {model.metrics && (
              <>
                <Row gutter={16}>
                  <Col xs={24} md={8}>
                    <Statistic
                      title={t('recommendations.hitRateModel', { k: model.metrics.k })}
                      value={pct(hit(model.metrics.crossSell.personalised))}
                      data-testid="recommendations-hit-rate"
                    />
                  </Col>
                  <Col xs={24} md={8}>
                    <Statistic title={t('recommendations.hitRatePopular', { k: model.metrics.k })} value={pct(hit(model.metrics.crossSell.popular))} />
                  </Col>
                  <Col xs={24} md={8}>
                    <Statistic title={t('recommendations.diversity')} value={num(model.metrics.crossSell.personalised.intraListDiversity)} />
                  </Col>
                </Row>
                <Typography.Paragraph type="secondary">{t('recommendations.holdoutHelp', { customers: model.metrics.customers })}</Typography.Paragraph>
                <Row gutter={16}>
                  <Col xs={24} lg={12}>
                    <Typography.Title level={5}>{t('recommendations.crossSell')}</Typography.Title>
                    <MetricsTable metrics={model.metrics.crossSell} testId="recommendations-metrics-cross-sell" />
                  </Col>
                  <Col xs={24} lg={12}>
                    <Typography.Title level={5}>{t('recommendations.repurchase')}</Typography.Title>
                    <MetricsTable metrics={model.metrics.nextProducts} testId="recommendations-metrics-next" />
                  </Col>
                </Row>
              </>
            )}
          </Space>
        ) : (
          <Typography.Text type="secondary">{t('recommendations.noModel')}</Typography.Text>
        )}
      </Card>
      <Card size="small" title={t('recommendations.historyTitle')}>
        <Table<SwitchChange>
          size="small"
          rowKey="id"
          pagination={false}
          dataSource={data?.history ?? []}
          data-testid="recommendations-history"
          columns={[
            { title: t('recommendations.at'), dataIndex: 'at', render: formatDateTime },
            {
              title: t('recommendations.change'),
              dataIndex: 'stopped',
              render: (s: boolean) => <Tag color={s ? 'red' : 'green'}>{s ? t('recommendations.stop') : t('recommendations.resume')}</Tag>,
            },
            { title: t('recommendations.by'), dataIndex: 'by' },
            { title: t('recommendations.reason'), dataIndex: 'reason' },
          ]}
        />
      </Card>
    </Space>
  );
};

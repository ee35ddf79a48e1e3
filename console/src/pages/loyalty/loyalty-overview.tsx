import { SafetyCertificateOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Col, List, Row, Spin, Statistic, Typography } from 'antd';
import { LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import ReactEChartsCore from 'echarts-for-react/esm/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api/use-api';
import { ErrorAlert } from '../../components/error-alert';
import { formatDateTime } from '../../format/date';
import { errorMessage } from '../../i18n/error-message';
import { useSession } from '../../session/session-context';
import { loyaltyApi, type ReconcileReport, tierLabel } from './loyalty-api';

echarts.use([LineChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

export const LoyaltyOverviewTab = () => {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const { can } = useSession();
  const { data, error, loading } = useApi(() => loyaltyApi.overview(), []);
  const [report, setReport] = useState<ReconcileReport>();
  const [checking, setChecking] = useState(false);

  const check = async () => {
    setChecking(true);
    try {
      setReport(await loyaltyApi.reconcile());
    } catch (reason) {
      message.error(errorMessage(t, reason));
    } finally {
      setChecking(false);
    }
  };

  if (loading && !data) return <Spin />;
  if (!data) return <ErrorAlert error={error} />;
  const liability = t('loyalty.overview.liability');
  const issued = t('loyalty.overview.issued');
  const redeemed = t('loyalty.overview.redeemed');
  const option = {
    tooltip: { trigger: 'axis' },
    legend: { data: [liability, issued, redeemed] },
    grid: { left: 72, right: 24, top: 48, bottom: 32 },
    xAxis: { type: 'category', data: data.months.map((m) => m.month) },
    yAxis: { type: 'value', name: t('loyalty.overview.pointsAxis') },
    series: [
      { name: liability, type: 'line', smooth: true, areaStyle: {}, data: data.months.map((m) => m.liability) },
      { name: issued, type: 'line', smooth: true, data: data.months.map((m) => m.issued) },
      { name: redeemed, type: 'line', smooth: true, data: data.months.map((m) => m.redeemed) },
    ],
  };

  return (
    <div data-testid="loyalty-overview">
      <Row gutter={[16, 16]}>
        <Col xs={12} md={6}>
          <Card>
            <Statistic title={t('loyalty.overview.members')} value={data.members} />
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card>
            <Statistic title={t('loyalty.overview.outstanding')} value={data.outstanding} data-testid="loyalty-outstanding" />
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card>
            <Statistic title={t('loyalty.overview.todayIssued')} value={data.today.issued} suffix={`/ ${data.today.budget.toLocaleString()}`} />
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card>
            <Statistic title={t('loyalty.overview.pendingApprovals')} value={data.pendingApprovals} />
          </Card>
        </Col>
        {data.tiers.map((tier) => (
          <Col xs={8} md={4} key={tier.code}>
            <Card size="small">
              <Statistic title={tierLabel(data.tiers, tier.code, i18n.language)} value={tier.members} />
            </Card>
          </Col>
        ))}
        <Col xs={8} md={4}>
          <Card size="small">
            <Statistic title={t('loyalty.overview.debt')} value={-data.debt} />
          </Card>
        </Col>
        <Col xs={8} md={4}>
          <Card size="small">
            <Statistic title={t('loyalty.overview.expired')} value={data.expired} />
          </Card>
        </Col>
        <Col xs={8} md={4}>
          <Card size="small">
            <Statistic title={t('loyalty.overview.reversed')} value={data.reversed} />
          </Card>
        </Col>
      </Row>
      <Card title={t('loyalty.overview.chartTitle')} style={{ marginTop: 16 }}>
        <ReactEChartsCore key={i18n.language} echarts={echarts} option={option} notMerge style={{ height: 320 }} />
      </Card>
      <Row gutter={16} style={{ marginTop: 16 }}>
        <Col xs={24} md={12}>
          <Card
            title={t('loyalty.overview.reconcileTitle')}
            extra={
              can('loyalty:manage') && (
                <Button icon={<SafetyCertificateOutlined />} loading={checking} onClick={() => check().catch(() => undefined)} data-testid="loyalty-reconcile">
                  {t('loyalty.overview.reconcile')}
                </Button>
              )
            }
          >
            <Typography.Paragraph type="secondary">{t('loyalty.overview.reconcileHelp')}</Typography.Paragraph>
            {report &&
              (report.ok ? (
                <Alert
                  type="success"
                  showIcon
                  data-testid="loyalty-reconcile-ok"
                  title={t('loyalty.overview.reconcileOk', { accounts: report.accounts, movements: report.movements, liability: report.liabilityFromLedger })}
                />
              ) : (
                <Alert
                  type="error"
                  showIcon
                  title={t('loyalty.overview.reconcileFailed', { count: report.problems.length })}
                  description={report.problems.slice(0, 10).map((p) => (
                    <div key={`${p.kind}-${p.customerId}-${p.account ?? ''}`}>
                      {p.kind}: {p.customerId} {p.account ?? ''} ({p.expected} ≠ {p.actual})
                    </div>
                  ))}
                />
              ))}
          </Card>
        </Col>
        <Col xs={24} md={12}>
          <Card title={t('loyalty.overview.alerts')}>
            <List
              size="small"
              dataSource={data.alerts}
              locale={{ emptyText: t('loyalty.overview.noAlerts') }}
              renderItem={(a) => (
                <List.Item>
                  <Typography.Text type={a.kind === 'budget_warning' ? 'warning' : 'danger'}>
                    {t(`loyalty.alertKinds.${a.kind}`, { defaultValue: a.kind })}
                  </Typography.Text>
                  <Typography.Text type="secondary">{formatDateTime(a.at)}</Typography.Text>
                </List.Item>
              )}
            />
          </Card>
        </Col>
      </Row>
    </div>
  );
};

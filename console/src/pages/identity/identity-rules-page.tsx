import { SaveOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Form, InputNumber, Select, Space, Spin, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import type { IdentityRules } from '../../api/identity-types';
import { useApi } from '../../api/use-api';
import { ErrorAlert } from '../../components/error-alert';
import { errorMessage } from '../../i18n/error-message';
import { useSession } from '../../session/session-context';
import { IdentityHistoryChart, type IdentityMeasurementPoint } from './identity-history-chart';
import { IdentityMeasuredAt, useIdentityMetrics } from './identity-measurement';
import { IdentityMetricsCards } from './identity-metrics-cards';
import { type IdentityRulesFormValues, PHONE_REGIONS, toFormValues, toRules } from './identity-rules-form';
import { IdentityTypeTable } from './identity-type-table';
import { SurvivorshipEditor } from './survivorship-editor';

const regionName = (region: string, locale: string): string => {
  try {
    return new Intl.DisplayNames([locale], { type: 'region' }).of(region) ?? region;
  } catch {
    return region;
  }
};

const IdentityMetricsSection = () => {
  const { t } = useTranslation();
  const { data, error, loading, reload } = useIdentityMetrics();
  // Read again whenever a new measurement is in.
  const history = useApi(() => api.get<{ items: IdentityMeasurementPoint[] }>('/api/identity/metrics/history'), [data?.measuredAt]);
  const points = history.data?.items ?? [];
  return (
    <Card title={t('identity.metricsTitle')} data-testid="identity-metrics">
      <ErrorAlert error={error} />
      {loading && !data ? <Spin /> : data && <IdentityMetricsCards metrics={data} explain />}
      {data && <IdentityMeasuredAt metrics={data} onQueued={reload} />}
      {points.length > 1 && (
        <div data-testid="identity-history" style={{ marginTop: 16 }}>
          <Typography.Title level={5}>{t('identity.metrics.history')}</Typography.Title>
          <IdentityHistoryChart points={points} />
        </div>
      )}
    </Card>
  );
};

export const IdentityRulesPage = () => {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const { can } = useSession();
  const mayEdit = can('identity:merge');
  const [form] = Form.useForm<IdentityRulesFormValues>();
  const [saving, setSaving] = useState(false);
  const { data, error, loading } = useApi(() => api.get<{ rules: IdentityRules }>('/api/identity/rules'), []);

  useEffect(() => {
    if (data) form.setFieldsValue(toFormValues(data.rules));
  }, [data, form]);

  const save = async () => {
    const values = await form.validateFields();
    setSaving(true);
    try {
      const { rules } = await api.put<{ rules: IdentityRules }>('/api/identity/rules', toRules(values));
      form.setFieldsValue(toFormValues(rules));
      message.success(t('identity.rules.saved'));
    } catch (reason) {
      message.error(errorMessage(t, reason));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <div>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('identity.title')}
        </Typography.Title>
        <Typography.Text type="secondary">{t('identity.intro')}</Typography.Text>
      </div>
      {can('dashboard:read') && <IdentityMetricsSection />}
      <Card
        title={t('identity.rulesTitle')}
        extra={
          <Button
            type="primary"
            icon={<SaveOutlined />}
            loading={saving}
            disabled={!mayEdit || !data}
            onClick={() => save().catch(() => undefined)}
            data-testid="rules-save"
          >
            {t('common.save')}
          </Button>
        }
      >
        {!mayEdit && <Alert type="info" showIcon title={t('identity.rules.readOnly')} style={{ marginBottom: 16 }} data-testid="rules-read-only" />}
        <ErrorAlert error={error} />
        {loading && !data ? (
          <Spin />
        ) : (
          <Form form={form} layout="vertical" disabled={!mayEdit} data-testid="identity-rules-form">
            <Typography.Title level={5}>{t('identity.rules.typesTitle')}</Typography.Title>
            <Typography.Paragraph type="secondary">{t('identity.rules.typesHelp')}</Typography.Paragraph>
            <IdentityTypeTable />
            <Space wrap size="large" align="start" style={{ marginTop: 24 }}>
              <Form.Item
                name="quarantineAfterCustomers"
                label={t('identity.rules.quarantine')}
                extra={t('identity.rules.quarantineHelp')}
                rules={[{ required: true, message: t('common.required') }]}
                style={{ maxWidth: 360 }}
              >
                <InputNumber min={2} max={1000} precision={0} data-testid="rules-quarantine" />
              </Form.Item>
              <Form.Item name="phoneRegion" label={t('identity.rules.phoneRegion')} extra={t('identity.rules.phoneRegionHelp')} style={{ maxWidth: 360 }}>
                <Select
                  style={{ width: 220 }}
                  options={PHONE_REGIONS.map((region) => ({ value: region, label: `${region} · ${regionName(region, i18n.language)}` }))}
                  data-testid="rules-phone-region"
                />
              </Form.Item>
            </Space>
            <Typography.Title level={5}>{t('identity.rules.survivorshipTitle')}</Typography.Title>
            <SurvivorshipEditor />
          </Form>
        )}
      </Card>
    </Space>
  );
};

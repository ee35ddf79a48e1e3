import { SaveOutlined } from '@ant-design/icons';
import { App, Button, Card, Form, Input, InputNumber, Select, Space, Spin, Switch, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../../api/client';
import { useApi } from '../../api/use-api';
import { ErrorAlert } from '../../components/error-alert';
import { errorMessage } from '../../i18n/error-message';
import { type ScoringSettingsFormValues, scoringFieldName, toScoringForm, toScoringSettings } from './models-settings-form';
import type { ScoringSettings } from './models-types';

const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;

/** Time zone, CLV and churn schedules and model settings, value × potential thresholds (API `intelligence.scoring`). */
export const ModelsSettingsCard = ({ mayEdit }: { mayEdit: boolean }) => {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<ScoringSettingsFormValues>();
  const [saving, setSaving] = useState(false);
  const { data, error, loading } = useApi(() => api.get<{ settings: ScoringSettings }>('/api/intelligence/scoring/settings'), []);

  useEffect(() => {
    if (data) form.setFieldsValue(toScoringForm(data.settings));
  }, [data, form]);

  const save = async () => {
    const values = await form.validateFields();
    setSaving(true);
    try {
      const { settings } = await api.put<{ settings: ScoringSettings }>('/api/intelligence/scoring/settings', toScoringSettings(values));
      form.setFieldsValue(toScoringForm(settings));
      message.success(t('scoring.settings.saved'));
    } catch (reason) {
      if (reason instanceof ApiError) {
        form.setFields(
          reason.fields.flatMap((f) => {
            const name = scoringFieldName(f.path);
            return name ? [{ name: name as never, errors: [f.message] }] : [];
          }),
        );
      }
      message.error(errorMessage(t, reason));
    } finally {
      setSaving(false);
    }
  };

  const required = [{ required: true, message: t('common.required') }];
  const number = (name: string[], label: string, input: { min: number; max: number; precision?: number; suffix?: ReactNode; step?: number }) => (
    <Form.Item name={name} label={label} rules={required} style={{ maxWidth: 240 }}>
      <InputNumber {...input} style={{ width: 200 }} data-testid={`scoring-${name.join('-')}`} />
    </Form.Item>
  );
  const days = t('segmentation.days');

  return (
    <Card
      title={t('scoring.settings.title')}
      data-testid="scoring-settings"
      extra={
        mayEdit && (
          <Button
            icon={<SaveOutlined />}
            loading={saving}
            disabled={!data}
            onClick={() => void save().catch(() => undefined)}
            data-testid="scoring-settings-save"
          >
            {t('common.save')}
          </Button>
        )
      }
    >
      <ErrorAlert error={error} />
      {loading && !data ? (
        <Spin />
      ) : (
        <Form form={form} layout="vertical" disabled={!mayEdit} data-testid="scoring-settings-form">
          <Typography.Paragraph type="secondary">{t('scoring.settings.intro')}</Typography.Paragraph>
          <Form.Item
            name={['timeZone']}
            label={t('scoring.settings.timeZone')}
            extra={t('scoring.settings.timeZoneHelp')}
            rules={required}
            style={{ maxWidth: 420 }}
          >
            <Input data-testid="scoring-timeZone" />
          </Form.Item>

          <Typography.Title level={5}>{t('scoring.settings.clvTitle')}</Typography.Title>
          <Space wrap size="large" align="start">
            <Form.Item name={['clv', 'schedule', 'enabled']} label={t('scoring.settings.scheduleEnabled')} valuePropName="checked">
              <Switch />
            </Form.Item>
            {number(['clv', 'schedule', 'hour'], t('scoring.settings.clvHour'), { min: 0, max: 23, precision: 0 })}
            {number(['clv', 'annualDiscountRate'], t('scoring.settings.discountRate'), { min: 0, max: 100, precision: 2, suffix: '%' })}
            {number(['clv', 'holdoutDays'], t('scoring.settings.holdoutDays'), { min: 7, max: 730, precision: 0, suffix: days })}
            <Form.Item name={['clv', 'timeUnit']} label={t('scoring.settings.timeUnit')}>
              <Select
                style={{ width: 160 }}
                options={[
                  { value: 'day', label: t('scoring.settings.units.day') },
                  { value: 'week', label: t('scoring.settings.units.week') },
                ]}
              />
            </Form.Item>
          </Space>

          <Typography.Title level={5}>{t('scoring.settings.churnTitle')}</Typography.Title>
          <Space wrap size="large" align="start">
            <Form.Item name={['churn', 'schedule', 'enabled']} label={t('scoring.settings.scheduleEnabled')} valuePropName="checked">
              <Switch />
            </Form.Item>
            <Form.Item name={['churn', 'schedule', 'weekday']} label={t('scoring.settings.churnWeekday')}>
              <Select style={{ width: 160 }} options={WEEKDAYS.map((d) => ({ value: d, label: t(`scoring.settings.weekdays.${d}`) }))} />
            </Form.Item>
            {number(['churn', 'schedule', 'hour'], t('scoring.settings.churnHour'), { min: 0, max: 23, precision: 0 })}
            {number(['churn', 'horizonDays'], t('scoring.settings.horizonDays'), { min: 7, max: 365, precision: 0, suffix: days })}
            {number(['churn', 'activeWithinDays'], t('scoring.settings.activeWithinDays'), { min: 30, max: 1825, precision: 0, suffix: days })}
            {number(['churn', 'heldOutShare'], t('scoring.settings.heldOutShare'), { min: 5, max: 50, precision: 1, suffix: '%' })}
            {number(['churn', 'maxTrainingCustomers'], t('scoring.settings.maxTrainingCustomers'), {
              min: 100,
              max: 2_000_000,
              precision: 0,
              step: 10_000,
              suffix: t('scoring.settings.customers'),
            })}
            {number(['churn', 'l2'], t('scoring.settings.l2'), { min: 0, max: 1000, step: 0.1 })}
          </Space>

          <Typography.Title level={5}>{t('scoring.settings.valuePotentialTitle')}</Typography.Title>
          <Space wrap size="large" align="start">
            {number(['valuePotential', 'highValuePercentile'], t('scoring.settings.highValuePercentile'), { min: 5, max: 95, precision: 1, suffix: '%' })}
            {number(['valuePotential', 'lowValuePercentile'], t('scoring.settings.lowValuePercentile'), { min: 0, max: 90, precision: 1, suffix: '%' })}
            {number(['valuePotential', 'highPotentialPercentile'], t('scoring.settings.highPotentialPercentile'), {
              min: 5,
              max: 95,
              precision: 1,
              suffix: '%',
            })}
          </Space>
        </Form>
      )}
    </Card>
  );
};

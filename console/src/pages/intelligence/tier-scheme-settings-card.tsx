import { SaveOutlined } from '@ant-design/icons';
import { App, Button, Card, Checkbox, Form, Input, InputNumber, Select, Space, Spin, Switch, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../../api/client';
import { useApi } from '../../api/use-api';
import { ErrorAlert } from '../../components/error-alert';
import { errorMessage } from '../../i18n/error-message';
import { type SettingsFormValues, settingsFieldName, toSettings, toSettingsForm } from './tier-scheme-form';
import type { SegmentationSettings } from './value-dashboard-types';

/** RFM window and buckets, lifecycle thresholds and the re-tiering schedule. */
export const TierSchemeSettingsCard = ({ mayEdit }: { mayEdit: boolean }) => {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<SettingsFormValues>();
  const allHistory = Form.useWatch('allHistory', form);
  const [saving, setSaving] = useState(false);
  const { data, error, loading } = useApi(() => api.get<{ settings: SegmentationSettings }>('/api/segmentation/settings'), []);

  useEffect(() => {
    if (data) form.setFieldsValue(toSettingsForm(data.settings));
  }, [data, form]);

  const save = async () => {
    const values = await form.validateFields();
    setSaving(true);
    try {
      const { settings } = await api.put<{ settings: SegmentationSettings }>('/api/segmentation/settings', toSettings(values));
      form.setFieldsValue(toSettingsForm(settings));
      message.success(t('segmentation.settingsSaved'));
    } catch (reason) {
      if (reason instanceof ApiError) {
        form.setFields(
          reason.fields.flatMap((f) => {
            const name = settingsFieldName(f.path);
            return name ? [{ name, errors: [f.message] }] : [];
          }),
        );
      }
      message.error(errorMessage(t, reason));
    } finally {
      setSaving(false);
    }
  };
  const days = (name: keyof SettingsFormValues, label: string, help?: string) => (
    <Form.Item name={name} label={label} extra={help} rules={[{ required: true, message: t('common.required') }]} style={{ maxWidth: 260 }}>
      <InputNumber min={1} max={3650} precision={0} suffix={t('segmentation.days')} />
    </Form.Item>
  );

  return (
    <Card
      title={t('segmentation.settings.title')}
      extra={
        mayEdit && (
          <Button icon={<SaveOutlined />} loading={saving} disabled={!data} onClick={() => void save().catch(() => undefined)} data-testid="settings-save">
            {t('common.save')}
          </Button>
        )
      }
    >
      <ErrorAlert error={error} />
      {loading && !data ? (
        <Spin />
      ) : (
        <Form form={form} layout="vertical" disabled={!mayEdit} data-testid="segmentation-settings-form">
          <Typography.Title level={5}>{t('segmentation.settings.rfmTitle')}</Typography.Title>
          <Space wrap size="large" align="start">
            <Form.Item name="buckets" label={t('segmentation.settings.buckets')}>
              <Select
                style={{ width: 200 }}
                options={[
                  { value: 5, label: t('segmentation.settings.quintiles') },
                  { value: 4, label: t('segmentation.settings.quartiles') },
                ]}
              />
            </Form.Item>
            <Form.Item name="allHistory" label={t('segmentation.settings.window')} valuePropName="checked">
              <Checkbox>{t('segmentation.settings.allHistory')}</Checkbox>
            </Form.Item>
            {!allHistory && days('windowDays', t('segmentation.settings.windowDays'))}
          </Space>
          <Typography.Title level={5}>{t('segmentation.settings.lifecycleTitle')}</Typography.Title>
          <Space wrap size="large" align="start">
            {days('newDays', t('segmentation.settings.newDays'), t('segmentation.settings.newDaysHelp'))}
            {days('activeDays', t('segmentation.settings.activeDays'), t('segmentation.settings.activeDaysHelp'))}
            {days('churnDays', t('segmentation.settings.churnDays'), t('segmentation.settings.churnDaysHelp'))}
            {days('wonBackGapDays', t('segmentation.settings.wonBackGapDays'), t('segmentation.settings.wonBackGapDaysHelp'))}
          </Space>
          <Typography.Title level={5}>{t('segmentation.settings.scheduleTitle')}</Typography.Title>
          <Space wrap size="large" align="start">
            <Form.Item name="scheduleEnabled" label={t('segmentation.settings.scheduleEnabled')} valuePropName="checked">
              <Switch />
            </Form.Item>
            <Form.Item
              name="cron"
              label={t('segmentation.settings.cron')}
              extra={t('segmentation.settings.cronHelp')}
              rules={[{ required: true, message: t('common.required') }]}
              style={{ maxWidth: 360 }}
            >
              <Input style={{ fontFamily: 'monospace' }} data-testid="settings-cron" />
            </Form.Item>
          </Space>
        </Form>
      )}
    </Card>
  );
};

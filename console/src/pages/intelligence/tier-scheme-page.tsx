import { CheckCircleOutlined, SaveOutlined, UndoOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Form, InputNumber, Radio, Space, Spin, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../../api/client';
import { useApi } from '../../api/use-api';
import { ErrorAlert } from '../../components/error-alert';
import { errorMessage } from '../../i18n/error-message';
import { useSession } from '../../session/session-context';
import { schemeFieldName, type TierSchemeFormValues, toSchemeConfig, toSchemeForm } from './tier-scheme-form';
import { schemeLabel, tierLabel } from './tier-scheme-labels';
import { RunNowButton } from './tier-scheme-run-button';
import { TierSchemeRunsTable } from './tier-scheme-runs-table';
import { TierSchemeSettingsCard } from './tier-scheme-settings-card';
import { usePollWhilePending } from './value-dashboard-page';
import type { SegmentationRun, TierScheme } from './value-dashboard-types';

/** What each tier of the scheme means with the thresholds being edited. */
const TierRules = ({ scheme, values }: { scheme: TierScheme; values: Partial<TierSchemeFormValues> }) => {
  const { t } = useTranslation();
  const yuan = (v: number | undefined) => `¥${(v ?? 0).toLocaleString('en-US')}`;
  const p = { upper: yuan(values.upperYuan), lower: yuan(values.lowerYuan), days: values.inactiveDays ?? 0 };
  return (
    <ul style={{ margin: 0, paddingInlineStart: 20 }} data-testid="tier-rules">
      {scheme.tiers.map((tier) => (
        <li key={tier}>
          <Typography.Text strong>{tierLabel(t, scheme.id, tier)}</Typography.Text>
          {' — '}
          {t(`segmentation.schemes.${scheme.id}.rules.${tier}`, p)}
        </li>
      ))}
    </ul>
  );
};

/** "10000.5" → "10,000.5" while typing; only the whole part is grouped. */
const groupThousands = (value: number | string | undefined): string => {
  const [whole = '', fraction] = `${value ?? ''}`.split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return fraction === undefined ? grouped : `${grouped}.${fraction}`;
};

const SchemeEditor = ({ scheme, mayEdit, onChanged }: { scheme: TierScheme; mayEdit: boolean; onChanged: () => void }) => {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<TierSchemeFormValues>();
  const values = Form.useWatch([], form) ?? toSchemeForm(scheme.config);
  const [busy, setBusy] = useState(false);

  useEffect(() => form.setFieldsValue(toSchemeForm(scheme.config)), [scheme, form]);

  const act = async (fn: () => Promise<unknown>, done: string) => {
    setBusy(true);
    try {
      await fn();
      message.success(done);
      onChanged();
    } catch (reason) {
      if (reason instanceof ApiError && reason.fields.length > 0) {
        form.setFields(
          reason.fields.flatMap((f) => {
            const name = schemeFieldName(f.path);
            return name ? [{ name, errors: [f.message] }] : [];
          }),
        );
      }
      message.error(errorMessage(t, reason));
    } finally {
      setBusy(false);
    }
  };
  const save = async () => {
    const v = await form.validateFields();
    await act(() => api.put(`/api/segmentation/schemes/${scheme.id}`, toSchemeConfig(v)), t('segmentation.schemeSaved'));
  };
  const yuanInput = (testId: string) => (
    <InputNumber<number>
      min={0}
      step={100}
      prefix="¥"
      style={{ width: 200 }}
      formatter={groupThousands}
      parser={(text) => Number((text ?? '').replace(/[,¥\s]/g, ''))}
      data-testid={testId}
    />
  );

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
        {t(`segmentation.schemes.${scheme.id}.description`)}
      </Typography.Paragraph>
      <Form form={form} layout="vertical" disabled={!mayEdit || busy} data-testid="tier-scheme-form">
        <Space wrap size="large" align="start">
          <Form.Item name="upperYuan" label={t(`segmentation.schemes.${scheme.id}.upper`)} rules={[{ required: true, message: t('common.required') }]}>
            {yuanInput('scheme-upper')}
          </Form.Item>
          <Form.Item
            name="lowerYuan"
            label={t(`segmentation.schemes.${scheme.id}.lower`)}
            dependencies={['upperYuan']}
            rules={[
              { required: true, message: t('common.required') },
              ({ getFieldValue }) => ({
                validator: (_, value: number | null) =>
                  value === null || value === undefined || value < getFieldValue('upperYuan')
                    ? Promise.resolve()
                    : Promise.reject(new Error(t('segmentation.lowerBelowUpper'))),
              }),
            ]}
          >
            {yuanInput('scheme-lower')}
          </Form.Item>
          <Form.Item name="inactiveDays" label={t('segmentation.inactiveDays')} rules={[{ required: true, message: t('common.required') }]}>
            <InputNumber min={1} max={3650} precision={0} suffix={t('segmentation.days')} data-testid="scheme-inactive-days" />
          </Form.Item>
          <Form.Item
            name="spendWindowDays"
            label={t('segmentation.spendWindowDays')}
            extra={t('segmentation.spendWindowHelp')}
            rules={[{ required: true, message: t('common.required') }]}
          >
            <InputNumber min={30} max={1095} precision={0} suffix={t('segmentation.days')} />
          </Form.Item>
        </Space>
      </Form>
      <TierRules scheme={scheme} values={values} />
      {mayEdit && (
        <Space wrap>
          <Button type="primary" icon={<SaveOutlined />} loading={busy} onClick={() => void save().catch(() => undefined)} data-testid="scheme-save">
            {t('segmentation.saveThresholds')}
          </Button>
          <Button icon={<UndoOutlined />} disabled={busy} onClick={() => form.setFieldsValue(toSchemeForm(scheme.defaults))} data-testid="scheme-defaults">
            {t('segmentation.restoreDefaults')}
          </Button>
          {!scheme.active && (
            <Button
              icon={<CheckCircleOutlined />}
              disabled={busy}
              onClick={() => void act(() => api.post(`/api/segmentation/schemes/${scheme.id}/activate`), t('segmentation.schemeActivated'))}
              data-testid="scheme-activate"
            >
              {t('segmentation.activate')}
            </Button>
          )}
        </Space>
      )}
    </Space>
  );
};

export const TierSchemePage = () => {
  const { t } = useTranslation();
  const { can } = useSession();
  const mayEdit = can('intelligence:manage');
  const schemes = useApi(() => api.get<{ items: TierScheme[] }>('/api/segmentation/schemes'), []);
  const runs = useApi(() => api.get<{ items: SegmentationRun[]; pending: boolean }>('/api/segmentation/runs', { limit: 10 }), []);
  usePollWhilePending(runs.data?.pending, runs.reload);
  const [selected, setSelected] = useState<string>();
  const items = schemes.data?.items ?? [];
  const current = items.find((s) => s.id === selected) ?? items.find((s) => s.active) ?? items[0];

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center', gap: 16 }}>
        <div>
          <Typography.Title level={3} style={{ margin: 0 }}>
            {t('segmentation.schemePage.title')}
          </Typography.Title>
          <Typography.Text type="secondary">{t('segmentation.schemePage.intro')}</Typography.Text>
        </div>
        <RunNowButton pending={runs.data?.pending ?? false} onQueued={runs.reload} />
      </div>
      {!mayEdit && <Alert type="info" showIcon title={t('segmentation.readOnly')} data-testid="segmentation-read-only" />}
      <ErrorAlert error={schemes.error} />
      <Card title={t('segmentation.schemePage.schemeTitle')}>
        {schemes.loading && !schemes.data ? (
          <Spin />
        ) : (
          current && (
            <Space orientation="vertical" size="large" style={{ width: '100%' }}>
              <Radio.Group value={current.id} onChange={(e) => setSelected(e.target.value)} optionType="button" buttonStyle="solid" data-testid="scheme-picker">
                {items.map((s) => (
                  <Radio.Button key={s.id} value={s.id} data-testid={`scheme-${s.id}`}>
                    {schemeLabel(t, s.id)} {s.active && <Tag color="green">{t('segmentation.active')}</Tag>}
                  </Radio.Button>
                ))}
              </Radio.Group>
              <SchemeEditor key={current.id} scheme={current} mayEdit={mayEdit} onChanged={schemes.reload} />
            </Space>
          )
        )}
      </Card>
      <TierSchemeSettingsCard mayEdit={mayEdit} />
      <Card title={t('segmentation.schemePage.runsTitle')}>
        <ErrorAlert error={runs.error} />
        <TierSchemeRunsTable runs={runs.data?.items ?? []} loading={runs.loading && !runs.data} />
      </Card>
    </Space>
  );
};

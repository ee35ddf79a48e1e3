import { SaveOutlined } from '@ant-design/icons';
import { App, Button, Card, Form, Input, InputNumber, Select, Space, Spin, Table } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api/use-api';
import { ErrorAlert } from '../../components/error-alert';
import { errorMessage } from '../../i18n/error-message';
import { useSession } from '../../session/session-context';
import { type LoyaltySettings, loyaltyApi } from './loyalty-api';

const num = (name: (string | number)[], label: string, extra?: { min?: number; step?: number; precision?: number }) => (
  <Form.Item name={name} label={label} rules={[{ required: true }]}>
    <InputNumber min={extra?.min ?? 0} step={extra?.step} precision={extra?.precision ?? 0} style={{ width: 160 }} />
  </Form.Item>
);

export const LoyaltySettingsTab = () => {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { can } = useSession();
  const [form] = Form.useForm<LoyaltySettings>();
  const { data, error, loading } = useApi(() => loyaltyApi.settings(), []);
  const [saving, setSaving] = useState(false);
  useEffect(() => {
    if (data) form.setFieldsValue(data.settings);
  }, [data, form]);
  if (loading && !data) return <Spin />;
  if (!data) return <ErrorAlert error={error} />;
  const save = async () => {
    const values = await form.validateFields();
    setSaving(true);
    try {
      const trait = values.enrolment?.identifyTrait?.trim();
      const merged = {
        ...data.settings,
        ...values,
        tiers: data.settings.tiers.map((tier, i) => ({ ...tier, ...values.tiers?.[i] })),
        enrolment: { identifyTrait: trait ? trait : null },
      };
      await loyaltyApi.saveSettings(merged);
      message.success(t('loyalty.settings.saved'));
    } catch (reason) {
      message.error(errorMessage(t, reason));
    } finally {
      setSaving(false);
    }
  };
  return (
    <Form form={form} layout="vertical" disabled={!can('loyalty:manage')}>
      <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
        <Card size="small" title={t('loyalty.settings.tiers')}>
          <Table
            size="small"
            rowKey="code"
            pagination={false}
            dataSource={data.settings.tiers.map((tier, i) => ({ ...tier, i }))}
            columns={[
              {
                title: t('loyalty.settings.nameZh'),
                key: 'zh',
                render: (_: unknown, r: { i: number }) => (
                  <Form.Item name={['tiers', r.i, 'name', 'zh-CN']} noStyle>
                    <Input style={{ width: 120 }} />
                  </Form.Item>
                ),
              },
              {
                title: t('loyalty.settings.nameEn'),
                key: 'en',
                render: (_: unknown, r: { i: number }) => (
                  <Form.Item name={['tiers', r.i, 'name', 'en']} noStyle>
                    <Input style={{ width: 140 }} />
                  </Form.Item>
                ),
              },
              {
                title: t('loyalty.settings.threshold'),
                key: 'th',
                render: (_: unknown, r: { i: number }) => (
                  <Form.Item name={['tiers', r.i, 'threshold']} noStyle>
                    <InputNumber min={0} precision={0} />
                  </Form.Item>
                ),
              },
              {
                title: t('loyalty.settings.multiplier'),
                key: 'm',
                render: (_: unknown, r: { i: number }) => (
                  <Form.Item name={['tiers', r.i, 'earnMultiplier']} noStyle>
                    <InputNumber min={0} max={10} step={0.1} />
                  </Form.Item>
                ),
              },
            ]}
          />
        </Card>
        <Card size="small" title={t('loyalty.settings.earning')}>
          <Space wrap>
            {num(['pointsPerYuan'], t('loyalty.settings.pointsPerYuan'), { step: 0.1, precision: 2 })}
            {num(['expiryMonths'], t('loyalty.settings.expiryMonths'))}
            {num(['pendingDays'], t('loyalty.settings.pendingDays'))}
            <Form.Item name="debtPolicy" label={t('loyalty.settings.debtPolicy')}>
              <Select
                style={{ width: 200 }}
                options={[
                  { value: 'debt', label: t('loyalty.settings.debt') },
                  { value: 'forgive', label: t('loyalty.settings.forgive') },
                ]}
              />
            </Form.Item>
            {num(['earn', 'community'], t('loyalty.settings.earnCommunity'))}
            {num(['earn', 'referral'], t('loyalty.settings.earnReferral'))}
            {num(['earn', 'caseShare'], t('loyalty.settings.earnCaseShare'))}
          </Space>
        </Card>
        <Card size="small" title={t('loyalty.settings.growth')}>
          <Space wrap>
            {num(['growth', 'perYuan'], t('loyalty.settings.growthPerYuan'), { step: 0.1, precision: 2 })}
            {num(['growth', 'perOrder'], t('loyalty.settings.growthPerOrder'))}
            {num(['growth', 'community'], t('loyalty.settings.earnCommunity'))}
            {num(['growth', 'referral'], t('loyalty.settings.earnReferral'))}
            {num(['growth', 'caseShare'], t('loyalty.settings.earnCaseShare'))}
            {num(['evaluationWindowMonths'], t('loyalty.settings.window'), { min: 1 })}
            {num(['graceDays'], t('loyalty.settings.graceDays'))}
          </Space>
        </Card>
        <Card size="small" title={t('loyalty.settings.guards')}>
          <Space wrap>
            {num(['guards', 'maxPointsPerOperation'], t('loyalty.settings.maxPerOperation'), { min: 1 })}
            {num(['guards', 'dailyIssuanceBudget'], t('loyalty.settings.dailyBudget'), { min: 1 })}
            {num(['guards', 'budgetWarnRatio'], t('loyalty.settings.warnRatio'), { min: 0.1, step: 0.05, precision: 2 })}
            {num(['guards', 'bulkApprovalThreshold'], t('loyalty.settings.approvalThreshold'))}
            {num(['milestones', 'anniversaryPoints'], t('loyalty.settings.anniversary'))}
            {num(['milestones', 'birthdayPoints'], t('loyalty.settings.birthday'))}
          </Space>
        </Card>
        <Card size="small" title={t('loyalty.settings.enrolment')}>
          <Form.Item name={['enrolment', 'identifyTrait']} label={t('loyalty.settings.identifyTrait')} extra={t('loyalty.settings.identifyTraitHelp')}>
            <Input maxLength={64} allowClear style={{ maxWidth: 280 }} placeholder="member" data-testid="loyalty-identify-trait" />
          </Form.Item>
        </Card>
        {can('loyalty:manage') && (
          <Button type="primary" icon={<SaveOutlined />} loading={saving} onClick={() => save().catch(() => undefined)} data-testid="loyalty-settings-save">
            {t('common.save')}
          </Button>
        )}
      </Space>
    </Form>
  );
};

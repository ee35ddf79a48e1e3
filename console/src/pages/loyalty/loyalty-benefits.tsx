import { EditOutlined, PlusOutlined } from '@ant-design/icons';
import { App, Button, DatePicker, Form, Input, InputNumber, Modal, Select, Space, Switch, Table, Tag, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import type { TFunction } from 'i18next';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api/use-api';
import { ErrorAlert } from '../../components/error-alert';
import { FormModal } from '../../components/form-modal';
import { formatDate } from '../../format/date';
import { errorMessage } from '../../i18n/error-message';
import { useSession } from '../../session/session-context';
import { type Benefit, loyaltyApi, newKey, tierLabel } from './loyalty-api';

type BenefitForm = {
  name: string;
  provider: 'own' | 'partner';
  partnerName?: string;
  pointsPrice: number;
  stockTotal: number;
  minTier?: string;
  validity?: [Dayjs | null, Dayjs | null] | null;
  active: boolean;
  terms: string;
};

/** Adds a benefit, or edits one (`benefit` given): price, stock, tier, validity window, terms, on/off. */
const BenefitModal = ({ open, benefit, onClose }: { open: boolean; benefit?: Benefit; onClose: (changed: boolean) => void }) => {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<BenefitForm>();
  const settings = useApi(() => loyaltyApi.settings(), []);
  const provider = Form.useWatch('provider', form);
  const save = async ({ validity, ...v }: BenefitForm) => {
    const body = {
      ...v,
      partnerName: v.partnerName ?? null,
      minTier: v.minTier ?? null,
      validFrom: validity?.[0] ? validity[0].startOf('day').toISOString() : null,
      validUntil: validity?.[1] ? validity[1].endOf('day').toISOString() : null,
    };
    if (benefit) await loyaltyApi.updateBenefit(benefit.id, body);
    else await loyaltyApi.createBenefit(body);
    message.success(t(benefit ? 'loyalty.benefits.saved' : 'loyalty.benefits.created'));
  };
  const tiers = settings.data?.settings.tiers ?? [];
  const initial: Partial<BenefitForm> = benefit
    ? {
        name: benefit.name,
        provider: benefit.provider,
        partnerName: benefit.partnerName ?? undefined,
        pointsPrice: benefit.pointsPrice,
        stockTotal: benefit.stockTotal,
        minTier: benefit.minTier ?? undefined,
        validity:
          benefit.validFrom || benefit.validUntil
            ? [benefit.validFrom ? dayjs(benefit.validFrom) : null, benefit.validUntil ? dayjs(benefit.validUntil) : null]
            : null,
        active: benefit.active,
        terms: benefit.terms,
      }
    : { provider: 'own', pointsPrice: 100, stockTotal: 100, active: true };
  return (
    <FormModal
      open={open}
      title={benefit ? t('loyalty.benefits.edit', { name: benefit.name }) : t('loyalty.benefits.create')}
      form={form}
      initialValues={initial}
      preserve={false}
      onSave={save}
      onClose={onClose}
      fieldErrors={['name', 'partnerName', 'pointsPrice', 'stockTotal', 'terms']}
    >
      <Form.Item name="name" label={t('loyalty.benefits.name')} rules={[{ required: true }]}>
        <Input maxLength={120} data-testid="benefit-name" />
      </Form.Item>
      <Form.Item name="provider" label={t('loyalty.benefits.provider')}>
        <Select
          options={[
            { value: 'own', label: t('loyalty.benefits.own') },
            { value: 'partner', label: t('loyalty.benefits.partner') },
          ]}
        />
      </Form.Item>
      {provider === 'partner' && (
        <Form.Item name="partnerName" label={t('loyalty.benefits.partnerName')} rules={[{ required: true }]}>
          <Input maxLength={120} />
        </Form.Item>
      )}
      <Space>
        <Form.Item name="pointsPrice" label={t('loyalty.benefits.price')} rules={[{ required: true }]}>
          <InputNumber min={0} precision={0} data-testid="benefit-price" />
        </Form.Item>
        <Form.Item name="stockTotal" label={t('loyalty.benefits.stockTotal')} rules={[{ required: true }]}>
          <InputNumber min={0} precision={0} data-testid="benefit-stock" />
        </Form.Item>
        <Form.Item name="minTier" label={t('loyalty.benefits.minTier')}>
          <Select allowClear style={{ width: 140 }} options={tiers.map((x) => ({ value: x.code, label: tierLabel(tiers, x.code, i18n.language) }))} />
        </Form.Item>
      </Space>
      <Space align="start">
        <Form.Item name="validity" label={t('loyalty.benefits.validity')} extra={t('loyalty.benefits.validityHelp')}>
          <DatePicker.RangePicker allowEmpty={[true, true]} data-testid="benefit-validity" />
        </Form.Item>
        <Form.Item name="active" label={t('loyalty.benefits.active')} valuePropName="checked">
          <Switch data-testid="benefit-active" />
        </Form.Item>
      </Space>
      <Form.Item name="terms" label={t('loyalty.benefits.terms')} rules={[{ required: true }]}>
        <Input.TextArea rows={3} maxLength={4000} data-testid="benefit-terms" />
      </Form.Item>
    </FormModal>
  );
};

/** "2026-12-01 – 2026-12-31", "from …", "until …" or "always". */
const validityText = (t: TFunction, b: Benefit): string => {
  if (b.validFrom && b.validUntil) return `${formatDate(b.validFrom)} – ${formatDate(b.validUntil)}`;
  if (b.validFrom) return t('loyalty.benefits.validFrom', { date: formatDate(b.validFrom) });
  if (b.validUntil) return t('loyalty.benefits.validUntil', { date: formatDate(b.validUntil) });
  return t('loyalty.benefits.always');
};

const RedeemModal = ({ benefit, onClose }: { benefit: Benefit | undefined; onClose: (changed: boolean) => void }) => {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const [customerId, setCustomerId] = useState('');
  const [key] = useState(newKey);
  const [saving, setSaving] = useState(false);
  const submit = async () => {
    if (!benefit) return;
    setSaving(true);
    try {
      const { redemption } = await loyaltyApi.redeem(benefit.id, customerId.trim(), key);
      modal.success({
        title: t('loyalty.benefits.redeemed'),
        content: (
          <Typography.Text code data-testid="coupon-code">
            {redemption.code}
          </Typography.Text>
        ),
      });
      onClose(true);
    } catch (reason) {
      message.error(errorMessage(t, reason));
    } finally {
      setSaving(false);
    }
  };
  return (
    <Modal
      open={Boolean(benefit)}
      title={t('loyalty.benefits.redeemFor', { name: benefit?.name })}
      onCancel={() => onClose(false)}
      onOk={() => submit().catch(() => undefined)}
      confirmLoading={saving}
      destroyOnHidden
    >
      <Typography.Paragraph type="secondary">{benefit?.terms}</Typography.Paragraph>
      <Input placeholder={t('loyalty.benefits.customerId')} value={customerId} onChange={(e) => setCustomerId(e.target.value)} data-testid="redeem-customer" />
    </Modal>
  );
};

export const LoyaltyBenefitsTab = () => {
  const { t, i18n } = useTranslation();
  const { can } = useSession();
  const { data, error, loading, reload } = useApi(() => loyaltyApi.benefits(), []);
  const settings = useApi(() => loyaltyApi.settings(), []);
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<Benefit>();
  const [redeeming, setRedeeming] = useState<Benefit>();
  const tiers = settings.data?.settings.tiers;
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <ErrorAlert error={error} />
      {can('loyalty:manage') && (
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="benefit-create">
          {t('loyalty.benefits.create')}
        </Button>
      )}
      <Table
        rowKey="id"
        loading={loading}
        dataSource={data?.items ?? []}
        data-testid="benefits-table"
        expandable={{ expandedRowRender: (b: Benefit) => <Typography.Paragraph style={{ margin: 0 }}>{b.terms}</Typography.Paragraph> }}
        columns={[
          { title: t('loyalty.benefits.name'), dataIndex: 'name' },
          {
            title: t('loyalty.benefits.provider'),
            key: 'provider',
            render: (_: unknown, b: Benefit) =>
              b.provider === 'own' ? <Tag color="blue">{t('loyalty.benefits.own')}</Tag> : <Tag color="purple">{b.partnerName}</Tag>,
          },
          { title: t('loyalty.benefits.price'), dataIndex: 'pointsPrice' },
          { title: t('loyalty.benefits.minTier'), dataIndex: 'minTier', render: (c: string | null) => tierLabel(tiers, c, i18n.language) },
          { title: t('loyalty.benefits.stock'), key: 'stock', render: (_: unknown, b: Benefit) => `${b.stockLeft} / ${b.stockTotal}` },
          {
            title: t('loyalty.benefits.validity'),
            key: 'validity',
            render: (_: unknown, b: Benefit) => (
              <span data-testid={`benefit-validity-${b.id}`}>
                {validityText(t, b)}
                {!b.active && <Tag style={{ marginInlineStart: 8 }}>{t('loyalty.benefits.inactive')}</Tag>}
              </span>
            ),
          },
          {
            title: '',
            key: 'actions',
            render: (_: unknown, b: Benefit) => (
              <Space>
                {can('loyalty:write') && (
                  <Button size="small" disabled={b.stockLeft === 0 || !b.active} onClick={() => setRedeeming(b)} data-testid={`redeem-${b.id}`}>
                    {t('loyalty.benefits.redeem')}
                  </Button>
                )}
                {can('loyalty:manage') && (
                  <Button size="small" icon={<EditOutlined />} onClick={() => setEditing(b)} data-testid={`benefit-edit-${b.id}`}>
                    {t('loyalty.benefits.editShort')}
                  </Button>
                )}
              </Space>
            ),
          },
        ]}
      />
      <BenefitModal
        open={creating || Boolean(editing)}
        benefit={editing}
        key={editing?.id ?? 'new'}
        onClose={(changed) => {
          setCreating(false);
          setEditing(undefined);
          if (changed) reload();
        }}
      />
      <RedeemModal
        benefit={redeeming}
        onClose={(changed) => {
          setRedeeming(undefined);
          if (changed) reload();
        }}
      />
    </Space>
  );
};

import { CheckOutlined, CloseOutlined, PlusOutlined } from '@ant-design/icons';
import { App, Button, Form, Input, InputNumber, Progress, Space, Table, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api/use-api';
import { ErrorAlert } from '../../components/error-alert';
import { FormModal } from '../../components/form-modal';
import { formatDateTime } from '../../format/date';
import { errorMessage } from '../../i18n/error-message';
import { useSession } from '../../session/session-context';
import { type Grant, loyaltyApi } from './loyalty-api';

const STATUS_COLOR: Record<Grant['status'], string> = {
  pending_approval: 'orange',
  approved: 'blue',
  rejected: 'default',
  running: 'processing',
  done: 'green',
};

type GrantForm = { title: string; reason: string; pointsEach: number; customerIds: string };

const NewGrantModal = ({ open, onClose }: { open: boolean; onClose: (changed: boolean) => void }) => {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<GrantForm>();
  const save = async (v: GrantForm) => {
    const { grant } = await loyaltyApi.createGrant({ ...v, customerIds: v.customerIds.split(/[\s,]+/).filter(Boolean) });
    message.success(grant.status === 'pending_approval' ? t('loyalty.grants.awaiting') : t('loyalty.grants.done', { count: grant.granted }));
  };
  return (
    <FormModal open={open} title={t('loyalty.grants.create')} form={form} onSave={save} onClose={onClose}>
      <Form.Item name="title" label={t('loyalty.grants.title')} rules={[{ required: true }]}>
        <Input maxLength={120} data-testid="grant-title" />
      </Form.Item>
      <Form.Item name="reason" label={t('loyalty.grants.reason')} rules={[{ required: true }]}>
        <Input maxLength={200} data-testid="grant-reason" />
      </Form.Item>
      <Form.Item name="pointsEach" label={t('loyalty.grants.pointsEach')} rules={[{ required: true }]}>
        <InputNumber min={1} precision={0} style={{ width: '100%' }} data-testid="grant-points" />
      </Form.Item>
      <Form.Item name="customerIds" label={t('loyalty.grants.customers')} extra={t('loyalty.grants.customersHelp')} rules={[{ required: true }]}>
        <Input.TextArea rows={4} data-testid="grant-customers" />
      </Form.Item>
    </FormModal>
  );
};

export const LoyaltyApprovalsTab = () => {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { can } = useSession();
  const { data, error, loading, reload } = useApi(() => loyaltyApi.grants(), []);
  const [creating, setCreating] = useState(false);
  const decide = async (id: string, approve: boolean) => {
    try {
      await loyaltyApi.decide(id, approve);
      reload();
    } catch (reason) {
      message.error(errorMessage(t, reason));
    }
  };
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <ErrorAlert error={error} />
      {can('loyalty:write') && (
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="grant-create">
          {t('loyalty.grants.create')}
        </Button>
      )}
      <Table
        rowKey="id"
        loading={loading}
        dataSource={data?.items ?? []}
        data-testid="grants-table"
        columns={[
          { title: t('loyalty.grants.title'), dataIndex: 'title' },
          { title: t('loyalty.grants.requestedBy'), dataIndex: 'requestedByLabel' },
          {
            title: t('loyalty.grants.total'),
            key: 'total',
            render: (_: unknown, g: Grant) => `${g.pointsEach} × ${g.targetCount} = ${g.totalPoints.toLocaleString()}`,
          },
          {
            title: t('loyalty.grants.status'),
            dataIndex: 'status',
            render: (s: Grant['status']) => <Tag color={STATUS_COLOR[s]}>{t(`loyalty.grantStatus.${s}`)}</Tag>,
          },
          {
            title: t('loyalty.grants.progress'),
            key: 'progress',
            render: (_: unknown, g: Grant) => <Progress size="small" percent={Math.round((g.granted / Math.max(1, g.targetCount)) * 100)} />,
          },
          { title: t('loyalty.grants.createdAt'), dataIndex: 'createdAt', render: formatDateTime },
          {
            title: '',
            key: 'actions',
            render: (_: unknown, g: Grant) =>
              g.status === 'pending_approval' &&
              can('loyalty:approve') && (
                <Space>
                  <Button
                    size="small"
                    type="primary"
                    icon={<CheckOutlined />}
                    onClick={() => decide(g.id, true).catch(() => undefined)}
                    data-testid={`approve-${g.id}`}
                  >
                    {t('loyalty.grants.approve')}
                  </Button>
                  <Button size="small" danger icon={<CloseOutlined />} onClick={() => decide(g.id, false).catch(() => undefined)}>
                    {t('loyalty.grants.reject')}
                  </Button>
                </Space>
              ),
          },
        ]}
      />
      <NewGrantModal
        open={creating}
        onClose={(changed) => {
          setCreating(false);
          if (changed) reload();
        }}
      />
    </Space>
  );
};

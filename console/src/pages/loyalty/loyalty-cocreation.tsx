import { PlusOutlined } from '@ant-design/icons';
import { App, Button, Form, Input, InputNumber, Modal, Select, Space, Table } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api/use-api';
import { ErrorAlert } from '../../components/error-alert';
import { formatDate } from '../../format/date';
import { errorMessage } from '../../i18n/error-message';
import { useSession } from '../../session/session-context';
import { type Cocreation, loyaltyApi } from './loyalty-api';

const KINDS = ['product_test', 'event', 'interview'] as const;

export const LoyaltyCocreationTab = () => {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { can } = useSession();
  const { data, error, loading, reload } = useApi(() => loyaltyApi.cocreations(), []);
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<{ title: string; kind: string; inviteCount: number }>();
  const submit = async () => {
    const v = await form.validateFields();
    try {
      const r = await loyaltyApi.createCocreation({ ...v, inviteTier: 'close_friend' });
      message.success(t('loyalty.cocreation.invited', { count: r.invited }));
      setOpen(false);
      reload();
    } catch (reason) {
      message.error(errorMessage(t, reason));
    }
  };
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <ErrorAlert error={error} />
      {can('loyalty:write') && (
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setOpen(true)}>
          {t('loyalty.cocreation.create')}
        </Button>
      )}
      <Table
        rowKey="id"
        loading={loading}
        dataSource={data?.items ?? []}
        columns={[
          { title: t('loyalty.cocreation.title'), dataIndex: 'title' },
          { title: t('loyalty.cocreation.kind'), dataIndex: 'kind', render: (k: string) => t(`loyalty.cocreationKinds.${k}`) },
          { title: t('loyalty.cocreation.startsAt'), dataIndex: 'startsAt', render: formatDate },
          {
            title: t('loyalty.cocreation.invitedCol'),
            key: 'i',
            render: (_: unknown, c: Cocreation) => c.counts.invited + c.counts.signed_up + c.counts.participated + c.counts.declined,
          },
          { title: t('loyalty.cocreation.signedUp'), key: 's', render: (_: unknown, c: Cocreation) => c.counts.signed_up + c.counts.participated },
          { title: t('loyalty.cocreation.participated'), key: 'p', render: (_: unknown, c: Cocreation) => c.counts.participated },
        ]}
      />
      <Modal open={open} title={t('loyalty.cocreation.create')} onCancel={() => setOpen(false)} onOk={() => submit().catch(() => undefined)} destroyOnHidden>
        <Form form={form} layout="vertical" initialValues={{ kind: 'product_test', inviteCount: 20 }}>
          <Form.Item name="title" label={t('loyalty.cocreation.title')} rules={[{ required: true }]}>
            <Input maxLength={120} />
          </Form.Item>
          <Form.Item name="kind" label={t('loyalty.cocreation.kind')}>
            <Select options={KINDS.map((k) => ({ value: k, label: t(`loyalty.cocreationKinds.${k}`) }))} />
          </Form.Item>
          <Form.Item name="inviteCount" label={t('loyalty.cocreation.inviteCount')} extra={t('loyalty.cocreation.inviteHelp')}>
            <InputNumber min={0} max={10000} precision={0} />
          </Form.Item>
        </Form>
      </Modal>
    </Space>
  );
};

import { PlusOutlined } from '@ant-design/icons';
import { App, Button, Form, Input, Modal, Popconfirm, Space, Table, type TableColumnsType, Tag, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import type { ApiKey } from '../../api/types';
import { useApi } from '../../api/use-api';
import { applyFieldErrors } from '../../components/apply-field-errors';
import { ErrorAlert } from '../../components/error-alert';
import { formatDateTime } from '../../format/date';
import { errorMessage } from '../../i18n/error-message';
import { sourcesApi } from '../ingest/sources-api';
import { ApiKeySecretModal } from './api-key-secret-modal';
import { ApiKeySourceCell, ApiKeySourceInput, RESERVED_SOURCE, SOURCE_ID } from './api-key-source';

export const ApiKeysPage = () => {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ name: string; source?: string }>();
  const [creating, setCreating] = useState(false);
  const [saving, setSaving] = useState(false);
  const [secret, setSecret] = useState<string>();
  const { data, error, loading, reload } = useApi(() => api.get<{ items: ApiKey[] }>('/api/api-keys'), []);
  // Reloaded with the keys: a new key may have created its source.
  const sources = useApi(() => sourcesApi.list(), [data]);
  const sourceById = useMemo(() => new Map((sources.data?.items ?? []).map((s) => [s.id, s])), [sources.data]);

  const create = async () => {
    const { name, source } = await form.validateFields();
    setSaving(true);
    try {
      const created = await api.post<{ apiKey: ApiKey; secret: string }>('/api/api-keys', {
        name: name.trim(),
        ...(source?.trim() ? { source: source.trim() } : {}),
      });
      setCreating(false);
      form.resetFields();
      setSecret(created.secret);
      reload();
    } catch (failure) {
      applyFieldErrors(form, failure, ['name', 'source']);
      message.error(errorMessage(t, failure));
    } finally {
      setSaving(false);
    }
  };

  const revoke = async (key: ApiKey) => {
    try {
      await api.post<{ apiKey: ApiKey }>(`/api/api-keys/${encodeURIComponent(key.id)}/revoke`);
      message.success(t('apiKeys.revoked'));
    } catch (failure) {
      message.error(errorMessage(t, failure));
    } finally {
      reload();
    }
  };

  const columns: TableColumnsType<ApiKey> = [
    { title: t('apiKeys.name'), dataIndex: 'name' },
    {
      title: t('apiKeys.source'),
      dataIndex: 'sourceId',
      render: (sourceId: string | null) => <ApiKeySourceCell sourceId={sourceId} sources={sourceById} />,
    },
    { title: t('apiKeys.prefix'), dataIndex: 'prefix', render: (prefix: string) => <Typography.Text code>{prefix}…</Typography.Text> },
    { title: t('apiKeys.createdAt'), dataIndex: 'createdAt', render: formatDateTime },
    { title: t('apiKeys.createdBy'), dataIndex: 'createdBy' },
    { title: t('apiKeys.lastUsedAt'), dataIndex: 'lastUsedAt', render: formatDateTime },
    {
      title: t('apiKeys.status'),
      dataIndex: 'revokedAt',
      render: (revokedAt: string | null) =>
        revokedAt ? <Tag>{t('apiKeys.statusRevoked', { at: formatDateTime(revokedAt) })}</Tag> : <Tag color="green">{t('apiKeys.statusActive')}</Tag>,
    },
    {
      title: t('common.actions'),
      key: 'actions',
      render: (_: unknown, key) =>
        key.revokedAt ? null : (
          <Popconfirm
            title={t('apiKeys.revokeConfirm')}
            okText={t('apiKeys.revoke')}
            cancelText={t('common.cancel')}
            okButtonProps={{ danger: true }}
            onConfirm={() => revoke(key)}
          >
            <Button size="small" danger data-testid={`api-key-revoke-${key.id}`}>
              {t('apiKeys.revoke')}
            </Button>
          </Popconfirm>
        ),
    },
  ];

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center', gap: 16 }}>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('apiKeys.title')}
        </Typography.Title>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="api-key-create">
          {t('apiKeys.create')}
        </Button>
      </div>
      <Typography.Paragraph type="secondary">{t('apiKeys.intro')}</Typography.Paragraph>
      <ErrorAlert error={error} />
      <Table<ApiKey>
        rowKey="id"
        size="middle"
        loading={loading}
        columns={columns}
        dataSource={data?.items ?? []}
        pagination={false}
        scroll={{ x: 'max-content' }}
      />
      <Modal
        open={creating}
        title={t('apiKeys.createTitle')}
        okText={t('common.create')}
        cancelText={t('common.cancel')}
        confirmLoading={saving}
        onOk={() => {
          create().catch(() => undefined);
        }}
        onCancel={() => setCreating(false)}
        forceRender
      >
        <Form form={form} layout="vertical">
          <Form.Item name="name" label={t('apiKeys.name')} rules={[{ required: true, whitespace: true, message: t('common.required') }]}>
            <Input data-testid="api-key-name" placeholder={t('apiKeys.namePlaceholder')} />
          </Form.Item>
          <Form.Item
            name="source"
            label={t('apiKeys.source')}
            extra={t('apiKeys.sourceHelp')}
            rules={[
              {
                validator: async (_, value?: string) => {
                  const source = value?.trim() ?? '';
                  if (source === '') return;
                  if (source === RESERVED_SOURCE) throw new Error(t('apiKeys.sourceReserved'));
                  if (!SOURCE_ID.test(source)) throw new Error(t('apiKeys.sourceInvalid'));
                },
              },
            ]}
          >
            <ApiKeySourceInput sources={sources.data?.items ?? []} />
          </Form.Item>
        </Form>
      </Modal>
      <ApiKeySecretModal secret={secret} onClose={() => setSecret(undefined)} />
    </Space>
  );
};

import { App, Button, Popconfirm, Space, Table, type TableColumnsType, Tooltip, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api/use-api';
import { ErrorAlert } from '../../components/error-alert';
import { formatDateTime } from '../../format/date';
import { errorMessage } from '../../i18n/error-message';
import { consumerLabel, errorPreview, type ParkedEvent, parkedEventsApi, topicLabel } from './parked-events';

/**
 * Events a background consumer gave up on after repeated failures (admins only). Retry un-parks one: the
 * next dispatch tries it again.
 */
export const ParkedEventsSection = () => {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(20);
  const [retrying, setRetrying] = useState<string>();
  const { data, error, loading, reload } = useApi(() => parkedEventsApi.list(page, pageSize), [page, pageSize]);

  const retry = async (p: ParkedEvent) => {
    setRetrying(`${p.eventId}/${p.consumer}`);
    try {
      await parkedEventsApi.retry(p);
      message.success(t('parkedEvents.retried'));
    } catch (failure) {
      message.error(errorMessage(t, failure));
    } finally {
      setRetrying(undefined);
      reload();
    }
  };

  const columns: TableColumnsType<ParkedEvent> = [
    { title: t('parkedEvents.parkedAt'), dataIndex: 'parkedAt', render: formatDateTime },
    { title: t('parkedEvents.consumer'), dataIndex: 'consumer', render: (consumer: string) => consumerLabel(t, consumer) },
    { title: t('parkedEvents.topic'), dataIndex: 'topic', render: (topic: string) => topicLabel(t, topic) },
    {
      title: t('parkedEvents.event'),
      key: 'event',
      render: (_: unknown, p) => (
        <span>
          <Typography.Text code copyable={{ text: p.eventId }}>
            {p.eventId}
          </Typography.Text>{' '}
          <Typography.Text type="secondary">{formatDateTime(p.eventCreatedAt)}</Typography.Text>
        </span>
      ),
    },
    { title: t('parkedEvents.attempts'), dataIndex: 'attempts' },
    {
      title: t('parkedEvents.failures'),
      key: 'failures',
      render: (_: unknown, p) => t('parkedEvents.failuresRange', { first: formatDateTime(p.firstFailedAt), last: formatDateTime(p.lastFailedAt) }),
    },
    {
      title: t('parkedEvents.lastError'),
      dataIndex: 'lastError',
      render: (lastError: string) => (
        <Tooltip title={<span style={{ whiteSpace: 'pre-wrap' }}>{lastError}</span>}>
          <Typography.Text type="danger">{errorPreview(lastError)}</Typography.Text>
        </Tooltip>
      ),
    },
    {
      title: t('common.actions'),
      key: 'actions',
      render: (_: unknown, p) => (
        <Popconfirm title={t('parkedEvents.retryConfirm')} okText={t('parkedEvents.retry')} cancelText={t('common.cancel')} onConfirm={() => retry(p)}>
          <Button size="small" loading={retrying === `${p.eventId}/${p.consumer}`} data-testid={`parked-retry-${p.eventId}`}>
            {t('parkedEvents.retry')}
          </Button>
        </Popconfirm>
      ),
    },
  ];

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Paragraph type="secondary">{t('parkedEvents.intro')}</Typography.Paragraph>
      <ErrorAlert error={error} />
      <Table<ParkedEvent>
        rowKey={(p) => `${p.eventId}/${p.consumer}`}
        size="small"
        loading={loading}
        columns={columns}
        dataSource={data?.items ?? []}
        locale={{ emptyText: t('parkedEvents.none') }}
        onChange={(pagination) => {
          setPage(pagination.current ?? 1);
          setPageSize(pagination.pageSize ?? pageSize);
        }}
        pagination={{ current: page, pageSize, total: data?.total ?? 0, showTotal: (total) => t('common.total', { count: total }) }}
        scroll={{ x: 'max-content' }}
        data-testid="parked-events"
      />
    </Space>
  );
};

import { ArrowLeftOutlined, PauseCircleOutlined, PlayCircleOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Descriptions, Space, Table, type TableColumnsType, Tabs, Tag, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { ErrorAlert } from '../../components/error-alert';
import { formatDateTime } from '../../format/date';
import { type DataSource, type SourceEvent, type SourceRejection, sourcesApi } from './sources-api';

const REFRESH_MS = 3_000;

type Snapshot = { source: DataSource; events: SourceEvent[]; masked: boolean; rejections: SourceRejection[] };

const Json = ({ value }: { value: unknown }) => (
  <pre style={{ margin: 0, maxHeight: 360, overflow: 'auto', fontSize: 12, background: 'rgba(0,0,0,0.03)', padding: 8 }}>{JSON.stringify(value, null, 2)}</pre>
);

/** The live event debugger of one source: latest accepted events and rejections, refreshed every 3 s. */
export const SourceDebuggerPage = () => {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const [snapshot, setSnapshot] = useState<Snapshot>();
  const [error, setError] = useState<unknown>();
  const [paused, setPaused] = useState(false);
  const [refreshedAt, setRefreshedAt] = useState<Date>();

  const load = useCallback(async () => {
    try {
      const [source, events, rejections] = await Promise.all([sourcesApi.get(id), sourcesApi.events(id), sourcesApi.rejections(id)]);
      setSnapshot({ source: source.source, events: events.items, masked: events.masked, rejections: rejections.items });
      setError(undefined);
      setRefreshedAt(new Date());
    } catch (failure) {
      setError(failure);
    }
  }, [id]);

  useEffect(() => {
    void load();
    if (paused) return;
    const timer = window.setInterval(() => void load(), REFRESH_MS);
    return () => window.clearInterval(timer);
  }, [load, paused]);

  const eventColumns: TableColumnsType<SourceEvent> = [
    { title: t('sources.receivedAt'), dataIndex: 'receivedAt', width: 170, render: formatDateTime },
    { title: t('sources.type'), dataIndex: 'type', width: 100, render: (type: string) => <Tag color="blue">{type}</Tag> },
    { title: t('sources.eventName'), dataIndex: 'name', ellipsis: true, render: (name: string | null) => name ?? '—' },
    { title: t('sources.userId'), dataIndex: 'userId', ellipsis: true, render: (v: string | null) => v ?? '—' },
    { title: t('sources.anonymousId'), dataIndex: 'anonymousId', ellipsis: true, render: (v: string | null) => v ?? '—' },
    {
      title: t('sources.customer'),
      dataIndex: 'customerId',
      ellipsis: true,
      render: (customerId: string | null) =>
        customerId === null ? (
          <Tag color="gold" data-testid="event-pending">
            {t('sources.pending')}
          </Tag>
        ) : (
          <Link to={`/customers/${encodeURIComponent(customerId)}`}>{customerId}</Link>
        ),
    },
    { title: t('sources.occurredAt'), dataIndex: 'occurredAt', width: 170, render: formatDateTime },
  ];

  const rejectionColumns: TableColumnsType<SourceRejection> = [
    { title: t('sources.receivedAt'), dataIndex: 'receivedAt', width: 170, render: formatDateTime },
    { title: t('sources.type'), dataIndex: 'type', width: 100, render: (type: string | null) => (type ? <Tag>{type}</Tag> : '—') },
    { title: t('sources.eventName'), dataIndex: 'name', ellipsis: true, render: (name: string | null) => name ?? '—' },
    { title: t('sources.field'), dataIndex: 'field', render: (field: string) => <Typography.Text code>{field}</Typography.Text> },
    { title: t('sources.reason'), dataIndex: 'reason' },
  ];

  const source = snapshot?.source;
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Space align="center" wrap>
        <Link to="/sources">
          <ArrowLeftOutlined /> {t('sources.back')}
        </Link>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('sources.debuggerTitle', { name: source?.name ?? id })}
        </Typography.Title>
      </Space>
      <ErrorAlert error={error} />
      <Card size="small">
        <Space style={{ width: '100%', justifyContent: 'space-between' }} wrap>
          <Descriptions size="small" column={4}>
            <Descriptions.Item label={t('sources.sourceId')}>
              <Typography.Text code>{id}</Typography.Text>
            </Descriptions.Item>
            <Descriptions.Item label={t('sources.events24h')}>{source?.events24h.toLocaleString() ?? '—'}</Descriptions.Item>
            <Descriptions.Item label={t('sources.rejections24h')}>{source?.rejections24h.toLocaleString() ?? '—'}</Descriptions.Item>
            <Descriptions.Item label={t('sources.lastEventAt')}>{formatDateTime(source?.lastEventAt)}</Descriptions.Item>
          </Descriptions>
          <Space>
            <Typography.Text type="secondary" data-testid="debugger-status">
              {paused ? t('sources.paused') : t('sources.live', { seconds: REFRESH_MS / 1000 })}
              {refreshedAt ? ` · ${t('sources.refreshedAt', { time: refreshedAt.toLocaleTimeString() })}` : ''}
            </Typography.Text>
            <Button icon={paused ? <PlayCircleOutlined /> : <PauseCircleOutlined />} onClick={() => setPaused((p) => !p)} data-testid="debugger-pause">
              {paused ? t('sources.resume') : t('sources.pause')}
            </Button>
          </Space>
        </Space>
      </Card>
      {snapshot?.masked ? <Alert type="info" showIcon title={t('sources.maskedNotice')} /> : null}
      <Card size="small">
        <Tabs
          items={[
            {
              key: 'events',
              label: t('sources.acceptedTab', { count: snapshot?.events.length ?? 0 }),
              children: (
                <Table<SourceEvent>
                  rowKey="id"
                  size="small"
                  columns={eventColumns}
                  dataSource={snapshot?.events ?? []}
                  loading={!snapshot && !error}
                  pagination={false}
                  data-testid="debugger-events"
                  expandable={{
                    expandedRowRender: (e) => <Json value={{ messageId: e.messageId, properties: e.properties, traits: e.traits, context: e.context }} />,
                  }}
                  locale={{ emptyText: t('sources.noEvents') }}
                />
              ),
            },
            {
              key: 'rejections',
              label: t('sources.rejectedTab', { count: snapshot?.rejections.length ?? 0 }),
              children: (
                <Table<SourceRejection>
                  rowKey="id"
                  size="small"
                  columns={rejectionColumns}
                  dataSource={snapshot?.rejections ?? []}
                  pagination={false}
                  data-testid="debugger-rejections"
                  locale={{ emptyText: t('sources.noRejections') }}
                />
              ),
            },
          ]}
        />
      </Card>
    </Space>
  );
};

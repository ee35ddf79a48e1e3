import { Badge, Card, Space, Table, type TableColumnsType, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { useApi } from '../../api/use-api';
import { ErrorAlert } from '../../components/error-alert';
import { formatDateTime } from '../../format/date';
import { type DataSource, sourcesApi } from './sources-api';

/** Data sources (one per write key, file feed or webhook) with their activity of the last 24 hours. */
export const SourcesPage = () => {
  const { t } = useTranslation();
  const { data, error, loading } = useApi(() => sourcesApi.list(), []);

  const columns: TableColumnsType<DataSource> = [
    {
      title: t('sources.name'),
      dataIndex: 'name',
      render: (name: string, s) => (
        <Space orientation="vertical" size={0}>
          <Link to={`/sources/${encodeURIComponent(s.id)}`} data-testid={`source-link-${s.id}`}>
            {name}
          </Link>
          <Typography.Text type="secondary" code>
            {s.id}
          </Typography.Text>
        </Space>
      ),
    },
    { title: t('sources.kind'), dataIndex: 'kind', render: (kind: DataSource['kind']) => <Tag>{t(`sources.kinds.${kind}`)}</Tag> },
    { title: t('sources.events24h'), dataIndex: 'events24h', align: 'right', render: (n: number) => n.toLocaleString() },
    {
      title: t('sources.rejections24h'),
      dataIndex: 'rejections24h',
      align: 'right',
      render: (n: number) => (n > 0 ? <Badge count={n} overflowCount={99_999} /> : '0'),
    },
    { title: t('sources.lastEventAt'), dataIndex: 'lastEventAt', render: formatDateTime },
  ];

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={3} style={{ margin: 0 }}>
        {t('sources.title')}
      </Typography.Title>
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
        {t('sources.intro')}
      </Typography.Paragraph>
      <ErrorAlert error={error} />
      <Card size="small">
        <Table<DataSource>
          rowKey="id"
          size="middle"
          columns={columns}
          dataSource={data?.items ?? []}
          loading={loading}
          pagination={false}
          data-testid="sources-table"
        />
      </Card>
    </Space>
  );
};

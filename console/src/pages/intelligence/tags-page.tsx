import { PlusOutlined, TeamOutlined } from '@ant-design/icons';
import { Button, Card, Space, Switch, Table, Tag, Tooltip, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { useApi } from '../../api/use-api';
import { ErrorAlert } from '../../components/error-alert';
import { formatDateTime } from '../../format/date';
import { useSession } from '../../session/session-context';
import type { TagDefinition } from './tags-api';
import { TagDetailDrawer } from './tags-detail-drawer';
import { TagEditModal } from './tags-edit-modal';
import { TagRowActions } from './tags-row-actions';

/** Tag management: the three kinds, their definitions, counts, last evaluation; create, edit, run now, archive, restore, delete. */
export const TagsPage = () => {
  const { t } = useTranslation();
  const { can } = useSession();
  const canManage = can('intelligence:manage');
  const canWrite = can('tags:write');
  const { data, error, loading, reload } = useApi(() => api.get<{ items: TagDefinition[] }>('/api/tags'), []);
  const [editing, setEditing] = useState<TagDefinition | 'new' | null>(null);
  const [viewing, setViewing] = useState<TagDefinition | null>(null);
  const [showArchived, setShowArchived] = useState(false);
  const all = data?.items ?? [];
  const archivedCount = all.filter((tag) => tag.archivedAt !== null).length;
  const shown = showArchived ? all : all.filter((tag) => tag.archivedAt === null);

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center' }}>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('tags.title')}
        </Typography.Title>
        {canManage && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')} data-testid="tag-create">
            {t('tags.create')}
          </Button>
        )}
      </div>
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
        {t('tags.intro')}
      </Typography.Paragraph>
      <ErrorAlert error={error} />
      <Card
        size="small"
        extra={
          <Space>
            <Switch size="small" checked={showArchived} onChange={setShowArchived} data-testid="tags-show-archived" />
            <Typography.Text>{t('tags.showArchived', { count: archivedCount })}</Typography.Text>
          </Space>
        }
      >
        <Table<TagDefinition>
          size="small"
          rowKey="id"
          loading={loading}
          dataSource={shown}
          pagination={false}
          data-testid="tags-table"
          scroll={{ x: 'max-content' }}
          columns={[
            {
              title: t('tags.name'),
              dataIndex: 'name',
              render: (name: string, tag) => (
                <Space size={4} data-testid={`tag-row-${tag.name}`} data-archived={tag.archivedAt !== null}>
                  <Tag color={tag.colour} style={tag.archivedAt ? { opacity: 0.55 } : undefined}>
                    {name}
                  </Tag>
                  {tag.archivedAt && (
                    <Tooltip title={t('tags.archivedByAt', { by: tag.archivedBy ?? '', at: formatDateTime(tag.archivedAt) })}>
                      <Tag>{t('tags.archivedMark')}</Tag>
                    </Tooltip>
                  )}
                </Space>
              ),
            },
            { title: t('tags.kind'), dataIndex: 'kind', render: (k: string) => t(`tags.kinds.${k}`) },
            {
              title: t('tags.definition'),
              dataIndex: 'summary',
              render: (summary: string, tag) => (
                <Tooltip title={summary}>
                  <Typography.Text ellipsis style={{ maxWidth: 320 }}>
                    {tag.description || summary}
                  </Typography.Text>
                </Tooltip>
              ),
            },
            {
              title: t('tags.customers'),
              dataIndex: 'customers',
              align: 'right',
              render: (n: number, tag) => (
                <Button type="link" size="small" icon={<TeamOutlined />} onClick={() => setViewing(tag)} data-testid={`tag-customers-${tag.name}`}>
                  {n.toLocaleString()}
                </Button>
              ),
            },
            {
              title: t('tags.lastEvaluated'),
              dataIndex: 'evaluatedAt',
              render: (at: string | null, tag) =>
                tag.kind === 'manual' || tag.archivedAt
                  ? '—'
                  : at
                    ? `${formatDateTime(at)} (+${tag.evaluation?.added ?? 0} / −${tag.evaluation?.removed ?? 0})`
                    : t('tags.never'),
            },
            ...(canManage || canWrite
              ? [
                  {
                    title: t('common.actions'),
                    key: 'actions',
                    render: (_: unknown, tag: TagDefinition) => (
                      <TagRowActions tag={tag} canManage={canManage} canWrite={canWrite} onEdit={setEditing} onChanged={reload} />
                    ),
                  },
                ]
              : []),
          ]}
        />
      </Card>
      {canManage && (
        <TagEditModal
          open={editing !== null}
          tag={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            reload();
          }}
        />
      )}
      <TagDetailDrawer tag={viewing} onClose={() => setViewing(null)} />
    </Space>
  );
};

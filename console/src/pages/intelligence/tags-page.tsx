import { EditOutlined, PlayCircleOutlined, PlusOutlined, TeamOutlined } from '@ant-design/icons';
import { App, Button, Card, Space, Table, Tag, Tooltip, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { useApi } from '../../api/use-api';
import { ErrorAlert } from '../../components/error-alert';
import { formatDateTime } from '../../format/date';
import { errorMessage } from '../../i18n/error-message';
import { useSession } from '../../session/session-context';
import type { TagDefinition, TagEvaluation } from './tags-api';
import { TagDetailDrawer } from './tags-detail-drawer';
import { TagEditModal } from './tags-edit-modal';

/** Tag management: the three kinds, their definitions, counts, last evaluation; create, edit, run now. */
export const TagsPage = () => {
  const { t } = useTranslation();
  const { can } = useSession();
  const { message } = App.useApp();
  const canManage = can('intelligence:manage');
  const { data, error, loading, reload } = useApi(() => api.get<{ items: TagDefinition[] }>('/api/tags'), []);
  const [editing, setEditing] = useState<TagDefinition | 'new' | null>(null);
  const [viewing, setViewing] = useState<TagDefinition | null>(null);
  const [running, setRunning] = useState<string | null>(null);

  const runNow = async (tag: TagDefinition) => {
    setRunning(tag.id);
    try {
      const res = await api.post<TagEvaluation>(`/api/tags/${encodeURIComponent(tag.id)}/evaluate`);
      message.success(t('tags.evaluated', { added: res.added, removed: res.removed, total: res.total }));
      reload();
    } catch (e) {
      message.error(errorMessage(t, e));
    } finally {
      setRunning(null);
    }
  };

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
      <Card size="small">
        <Table<TagDefinition>
          size="small"
          rowKey="id"
          loading={loading}
          dataSource={data?.items ?? []}
          pagination={false}
          data-testid="tags-table"
          scroll={{ x: 'max-content' }}
          columns={[
            {
              title: t('tags.name'),
              dataIndex: 'name',
              render: (name: string, tag) => (
                <Tag color={tag.colour} data-testid={`tag-row-${tag.name}`}>
                  {name}
                </Tag>
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
                tag.kind === 'manual'
                  ? '—'
                  : at
                    ? `${formatDateTime(at)} (+${tag.evaluation?.added ?? 0} / −${tag.evaluation?.removed ?? 0})`
                    : t('tags.never'),
            },
            ...(canManage
              ? [
                  {
                    title: t('common.actions'),
                    key: 'actions',
                    render: (_: unknown, tag: TagDefinition) => (
                      <Space>
                        <Button size="small" icon={<EditOutlined />} onClick={() => setEditing(tag)} data-testid={`tag-edit-${tag.name}`}>
                          {t('common.edit')}
                        </Button>
                        {tag.kind !== 'manual' && (
                          <Button
                            size="small"
                            icon={<PlayCircleOutlined />}
                            loading={running === tag.id}
                            onClick={() => runNow(tag)}
                            data-testid={`tag-run-${tag.name}`}
                          >
                            {t('tags.runNow')}
                          </Button>
                        )}
                      </Space>
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

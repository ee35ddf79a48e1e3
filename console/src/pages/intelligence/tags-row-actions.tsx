import { DeleteOutlined, EditOutlined, InboxOutlined, PlayCircleOutlined, UndoOutlined } from '@ant-design/icons';
import { App, Button, Space } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, apiRequest } from '../../api/client';
import { errorMessage } from '../../i18n/error-message';
import type { TagDefinition, TagEvaluation } from './tags-api';

/**
 * A tag's row actions: edit and run now (intelligence:manage), archive / restore / delete (tags:write),
 * each of the last three after a confirmation. Delete is offered only while nobody holds the tag; the
 * server still refuses it for a tag that was ever assigned (archive it instead).
 */
export const TagRowActions = ({
  tag,
  canManage,
  canWrite,
  onEdit,
  onChanged,
}: {
  tag: TagDefinition;
  canManage: boolean;
  canWrite: boolean;
  onEdit: (tag: TagDefinition) => void;
  onChanged: () => void;
}) => {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const [running, setRunning] = useState(false);
  const archived = tag.archivedAt !== null;
  const id = encodeURIComponent(tag.id);

  const runNow = async () => {
    setRunning(true);
    try {
      const res = await api.post<TagEvaluation>(`/api/tags/${id}/evaluate`);
      message.success(t('tags.evaluated', { added: res.added, removed: res.removed, total: res.total }));
      onChanged();
    } catch (e) {
      message.error(errorMessage(t, e));
    } finally {
      setRunning(false);
    }
  };

  const confirm = (text: { title: string; content: string; ok: string; done: string; danger?: boolean }, run: () => Promise<unknown>) =>
    modal.confirm({
      title: text.title,
      content: text.content,
      okText: text.ok,
      cancelText: t('common.cancel'),
      okButtonProps: { danger: text.danger, 'data-testid': 'tag-confirm-ok' } as never,
      onOk: async () => {
        try {
          await run();
          message.success(text.done);
          onChanged();
        } catch (e) {
          message.error(errorMessage(t, e));
        }
      },
    });

  return (
    <Space>
      {canManage && (
        <Button size="small" icon={<EditOutlined />} onClick={() => onEdit(tag)} data-testid={`tag-edit-${tag.name}`}>
          {t('common.edit')}
        </Button>
      )}
      {canManage && tag.kind !== 'manual' && !archived && (
        <Button size="small" icon={<PlayCircleOutlined />} loading={running} onClick={() => runNow()} data-testid={`tag-run-${tag.name}`}>
          {t('tags.runNow')}
        </Button>
      )}
      {canWrite && !archived && (
        <Button
          size="small"
          icon={<InboxOutlined />}
          onClick={() =>
            confirm(
              { title: t('tags.archiveConfirm', { name: tag.name }), content: t('tags.archiveHelp'), ok: t('tags.archive'), done: t('tags.archivedDone') },
              () => api.post(`/api/tags/${id}/archive`),
            )
          }
          data-testid={`tag-archive-${tag.name}`}
        >
          {t('tags.archive')}
        </Button>
      )}
      {canWrite && archived && (
        <Button
          size="small"
          icon={<UndoOutlined />}
          onClick={() =>
            confirm(
              { title: t('tags.restoreConfirm', { name: tag.name }), content: t('tags.restoreHelp'), ok: t('tags.restore'), done: t('tags.restoredDone') },
              () => api.post(`/api/tags/${id}/restore`),
            )
          }
          data-testid={`tag-restore-${tag.name}`}
        >
          {t('tags.restore')}
        </Button>
      )}
      {canWrite && tag.customers === 0 && (
        <Button
          size="small"
          danger
          icon={<DeleteOutlined />}
          onClick={() =>
            confirm(
              {
                title: t('tags.deleteConfirm', { name: tag.name }),
                content: t('tags.deleteHelp'),
                ok: t('tags.delete'),
                done: t('tags.deletedDone'),
                danger: true,
              },
              () => apiRequest(`/api/tags/${id}`, { method: 'DELETE' }),
            )
          }
          data-testid={`tag-delete-${tag.name}`}
        >
          {t('tags.delete')}
        </Button>
      )}
    </Space>
  );
};

import { PlusOutlined } from '@ant-design/icons';
import { App, Button, Card, Empty, Input, List, Popover, Select, Space, Tag, Tooltip, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, apiRequest } from '../../api/client';
import { useApi } from '../../api/use-api';
import { ErrorAlert } from '../../components/error-alert';
import { formatDateTime } from '../../format/date';
import { errorMessage } from '../../i18n/error-message';
import { useSession } from '../../session/session-context';
import type { CustomerTag, TagDefinition, TagHistoryEntry } from './tags-api';
import { describeEvidence } from './tags-why';

const AddManualTag = ({ customerId, held, onAdded }: { customerId: string; held: Set<string>; onAdded: () => void }) => {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [open, setOpen] = useState(false);
  const [tagId, setTagId] = useState<string>();
  const [reason, setReason] = useState('');
  const defs = useApi(() => (open ? api.get<{ items: TagDefinition[] }>('/api/tags') : Promise.resolve({ items: [] })), [open]);
  // Archived tags are not assigned any more.
  const options = (defs.data?.items ?? []).filter((d) => d.kind === 'manual' && d.archivedAt === null && !held.has(d.id));

  const add = async () => {
    if (!tagId) return;
    try {
      await api.post(`/api/customers/${encodeURIComponent(customerId)}/tags`, { tagId, reason: reason.trim() || undefined });
      message.success(t('tags.added'));
      setOpen(false);
      setTagId(undefined);
      setReason('');
      onAdded();
    } catch (e) {
      message.error(errorMessage(t, e));
    }
  };

  return (
    <Popover
      open={open}
      onOpenChange={setOpen}
      trigger="click"
      title={t('tags.addManual')}
      content={
        <Space orientation="vertical" style={{ width: 260 }}>
          <Select
            style={{ width: '100%' }}
            value={tagId}
            onChange={setTagId}
            loading={defs.loading}
            placeholder={t('tags.pickManual')}
            data-testid="customer-tag-select"
            options={options.map((d) => ({ value: d.id, label: <Tag color={d.colour}>{d.name}</Tag> }))}
            notFoundContent={t('tags.noManualTags')}
          />
          <Input placeholder={t('tags.reasonPlaceholder')} value={reason} onChange={(e) => setReason(e.target.value)} maxLength={500} />
          <Button type="primary" block disabled={!tagId} onClick={() => add()} data-testid="customer-tag-add-submit">
            {t('tags.add')}
          </Button>
        </Space>
      }
    >
      <Button size="small" icon={<PlusOutlined />} data-testid="customer-tag-add">
        {t('tags.add')}
      </Button>
    </Popover>
  );
};

/** Tags on the 360° page: manual ones can be added and removed (tags:write); rule and behavioural ones say why. */
export const CustomerTagsSection = ({ customerId }: { customerId: string }) => {
  const { t } = useTranslation();
  const { can } = useSession();
  const { message, modal } = App.useApp();
  const { data, error, reload } = useApi(
    () => api.get<{ items: CustomerTag[]; history: TagHistoryEntry[] }>(`/api/customers/${encodeURIComponent(customerId)}/tags`),
    [customerId],
  );
  const canWrite = can('tags:write');
  const items = data?.items ?? [];

  const remove = (tag: CustomerTag) =>
    modal.confirm({
      title: t('tags.removeConfirm', { name: tag.name }),
      okText: t('tags.remove'),
      cancelText: t('common.cancel'),
      onOk: async () => {
        try {
          await apiRequest(`/api/customers/${encodeURIComponent(customerId)}/tags/${encodeURIComponent(tag.tagId)}`, { method: 'DELETE' });
          reload();
        } catch (e) {
          message.error(errorMessage(t, e));
        }
      },
    });

  const why = (tag: CustomerTag) => (
    <Space orientation="vertical" size={2} style={{ maxWidth: 360 }}>
      <Typography.Text strong>{t(`tags.kinds.${tag.kind}`)}</Typography.Text>
      {tag.kind === 'manual' ? (
        <Typography.Text>{tag.reason || t('tags.noReason')}</Typography.Text>
      ) : (
        <>
          <Typography.Text type="secondary">{tag.summary}</Typography.Text>
          <Typography.Text>{describeEvidence(t, tag.evidence)}</Typography.Text>
        </>
      )}
      <Typography.Text type="secondary">{t('tags.assignedByAt', { by: tag.assignedBy, at: formatDateTime(tag.assignedAt) })}</Typography.Text>
      {tag.archived && <Typography.Text type="warning">{t('tags.archivedOnCustomer')}</Typography.Text>}
    </Space>
  );

  return (
    <Card
      size="small"
      title={t('tags.customerTitle')}
      extra={canWrite && <AddManualTag customerId={customerId} held={new Set(items.map((i) => i.tagId))} onAdded={reload} />}
    >
      <ErrorAlert error={error} />
      <Space wrap data-testid="customer-tags">
        {items.length === 0 && <Typography.Text type="secondary">{t('tags.noTags')}</Typography.Text>}
        {items.map((tag) => (
          <Tooltip key={tag.tagId} title={why(tag)}>
            <Tag
              color={tag.colour}
              data-testid={`customer-tag-${tag.name}`}
              style={tag.archived ? { opacity: 0.55 } : undefined}
              closable={canWrite && tag.kind === 'manual'}
              onClose={(e) => {
                e.preventDefault();
                remove(tag);
              }}
            >
              {tag.name}
            </Tag>
          </Tooltip>
        ))}
      </Space>
      <Typography.Title level={5} style={{ marginTop: 16 }}>
        {t('tags.historyTab')}
      </Typography.Title>
      {data && data.history.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} />
      ) : (
        <List
          size="small"
          data-testid="customer-tag-history"
          dataSource={data?.history ?? []}
          renderItem={(h) => (
            <List.Item>
              <Space wrap>
                <Typography.Text type="secondary">{formatDateTime(h.at)}</Typography.Text>
                <Tag color={h.action === 'add' ? 'green' : 'red'}>{t(`tags.actions.${h.action}`)}</Tag>
                <Typography.Text strong>{h.tagName}</Typography.Text>
                <Typography.Text>
                  {t(`tags.actorTypes.${h.actorType}`)} · {h.actorLabel}
                </Typography.Text>
                {h.reason && <Typography.Text type="secondary">{h.reason}</Typography.Text>}
              </Space>
            </List.Item>
          )}
        />
      )}
    </Card>
  );
};

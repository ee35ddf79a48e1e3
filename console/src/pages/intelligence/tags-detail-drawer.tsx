import { Alert, Drawer, Tabs, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api } from '../../api/client';
import type { Page } from '../../api/types';
import { usePagedApi } from '../../api/use-paged-api';
import { ServerPagedTable } from '../../components/server-paged-table';
import { formatDateTime } from '../../format/date';
import { formatFen } from '../../format/money';
import { useSession } from '../../session/session-context';
import { CustomerNameText } from '../customers/customer-name-text';
import type { TagDefinition, TaggedCustomer, TagHistoryEntry } from './tags-api';
import { describeEvidence } from './tags-why';

const TaggedCustomers = ({ tagId }: { tagId: string }) => {
  const { t } = useTranslation();
  const list = usePagedApi(
    (paging) => api.get<Page<TaggedCustomer> & { masked: boolean }>(`/api/tags/${encodeURIComponent(tagId)}/customers`, paging),
    [tagId],
  );
  return (
    <ServerPagedTable<TaggedCustomer>
      list={list}
      size="small"
      rowKey="id"
      data-testid="tag-customers"
      columns={[
        {
          title: t('customers.displayName'),
          dataIndex: 'displayName',
          render: (name: string, c) => (
            <Link to={`/customers/${encodeURIComponent(c.id)}`}>
              <CustomerNameText customer={{ id: c.id, displayName: name }} />
            </Link>
          ),
        },
        { title: t('customers.phone'), dataIndex: 'phone', render: (v: string | null) => v ?? '—' },
        { title: t('customers.orderCount'), dataIndex: 'orderCount', align: 'right' },
        { title: t('customers.totalSpent'), dataIndex: 'totalSpentFen', align: 'right', render: formatFen },
        { title: t('tags.assignedAt'), dataIndex: 'assignedAt', render: formatDateTime },
      ]}
    />
  );
};

export const TagHistoryTable = ({ url, showTag = false }: { url: string; showTag?: boolean }) => {
  const { t } = useTranslation();
  const list = usePagedApi((paging) => api.get<Page<TagHistoryEntry>>(url, paging), [url]);
  return (
    <ServerPagedTable<TagHistoryEntry>
      list={list}
      size="small"
      rowKey="id"
      data-testid="tag-history"
      columns={[
        { title: t('tags.at'), dataIndex: 'at', render: formatDateTime, width: 150 },
        ...(showTag ? [{ title: t('tags.tag'), dataIndex: 'tagName' }] : []),
        {
          title: t('tags.action'),
          dataIndex: 'action',
          render: (a: string) => <Tag color={a === 'add' ? 'green' : 'red'}>{t(`tags.actions.${a}`)}</Tag>,
        },
        {
          title: t('tags.customer'),
          dataIndex: 'customerId',
          render: (id: string) => <Link to={`/customers/${encodeURIComponent(id)}`}>{id}</Link>,
        },
        { title: t('tags.by'), dataIndex: 'actorLabel', render: (label: string, h) => `${t(`tags.actorTypes.${h.actorType}`)} · ${label}` },
        {
          title: t('tags.why'),
          dataIndex: 'reason',
          render: (reason: string | null, h) => (
            <Typography.Text>{[reason, describeEvidence(t, h.evidence)].filter(Boolean).join(' — ') || '—'}</Typography.Text>
          ),
        },
      ]}
    />
  );
};

/** A tag's customers (linked to their 360° page) and its history. */
export const TagDetailDrawer = ({ tag, onClose }: { tag: TagDefinition | null; onClose: () => void }) => {
  const { t } = useTranslation();
  const { can } = useSession();
  return (
    <Drawer open={Boolean(tag)} onClose={onClose} size="large" title={tag && <Tag color={tag.colour}>{tag.name}</Tag>} data-testid="tag-drawer">
      {tag && (
        <>
          <Typography.Paragraph type="secondary">{tag.description || tag.summary}</Typography.Paragraph>
          {tag.archivedAt && (
            <Alert
              type="info"
              showIcon
              style={{ marginBottom: 12 }}
              title={t('tags.archivedByAt', { by: tag.archivedBy ?? '', at: formatDateTime(tag.archivedAt) })}
              data-testid="tag-archived-notice"
            />
          )}
          <Tabs
            items={[
              { key: 'customers', label: t('tags.customersTab', { count: tag.customers }), children: <TaggedCustomers tagId={tag.id} /> },
              ...(can('intelligence:read')
                ? [{ key: 'history', label: t('tags.historyTab'), children: <TagHistoryTable url={`/api/tags/${encodeURIComponent(tag.id)}/history`} /> }]
                : []),
            ]}
          />
        </>
      )}
    </Drawer>
  );
};

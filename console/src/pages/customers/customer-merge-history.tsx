import type { ButtonProps } from 'antd';
import { App, Button, Card, Space, Table, Tag, Typography } from 'antd';
import type { HTMLAttributes } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api } from '../../api/client';
import type { Merge, ProfileRecord } from '../../api/identity-types';
import { formatDateTime } from '../../format/date';
import { errorMessage } from '../../i18n/error-message';
import { useSession } from '../../session/session-context';
import { mergeRuleLabel } from './profile-labels';

interface CustomerMergeHistoryProps {
  rootId: string;
  records: ProfileRecord[];
  merges: Merge[];
  /** Called after an unmerge so the page reloads the customer. */
  onChanged: () => void;
}

const customerLink = (id: string, rootId: string) =>
  id === rootId ? <Typography.Text code>{id}</Typography.Text> : <Link to={`/customers/${encodeURIComponent(id)}`}>{id}</Link>;

const showEvidence = (evidence: Record<string, unknown>): string => (Object.keys(evidence).length === 0 ? '—' : JSON.stringify(evidence));

export const CustomerMergeHistory = ({ rootId, records, merges, onChanged }: CustomerMergeHistoryProps) => {
  const { t } = useTranslation();
  const { modal, message } = App.useApp();
  const { can } = useSession();
  const mayMerge = can('identity:merge');

  const unmerge = (merge: Merge) => {
    modal.confirm({
      title: t('profile.unmergeTitle'),
      content: t('profile.unmergeConfirm', { id: merge.loserId }),
      okText: t('profile.unmerge'),
      cancelText: t('common.cancel'),
      okButtonProps: { 'data-testid': 'unmerge-confirm' } as ButtonProps,
      onOk: async () => {
        try {
          await api.post(`/api/identity/merges/${encodeURIComponent(merge.id)}/undo`);
          message.success(t('profile.unmerged'));
          onChanged();
        } catch (error) {
          message.error(errorMessage(t, error));
          // Reload anyway: the merge may have been undone by someone else meanwhile.
          onChanged();
        }
      },
    });
  };

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }} data-testid="merge-history">
      <Card title={t('profile.recordsTitle')} size="small">
        <Table<ProfileRecord>
          size="small"
          pagination={false}
          rowKey="id"
          dataSource={records}
          columns={[
            { title: t('profile.recordId'), dataIndex: 'id', render: (id: string) => customerLink(id, rootId) },
            { title: t('profile.source'), dataIndex: 'source', render: (source: string) => <Tag>{source}</Tag> },
            { title: t('customers.createdAt'), dataIndex: 'createdAt', render: formatDateTime },
            {
              title: t('profile.recordStatus'),
              dataIndex: 'mergedAt',
              render: (mergedAt: string | null, row) =>
                row.id === rootId ? <Tag color="blue">{t('profile.rootRecord')}</Tag> : <Tag>{t('profile.mergedAt', { at: formatDateTime(mergedAt) })}</Tag>,
            },
          ]}
        />
      </Card>
      <Card title={t('profile.mergesTitle')} size="small">
        <Table<Merge>
          size="small"
          pagination={false}
          rowKey="id"
          dataSource={merges}
          scroll={{ x: 'max-content' }}
          onRow={(row) => ({ style: row.undoneAt ? { opacity: 0.5 } : undefined, 'data-testid': `merge-row-${row.id}` }) as HTMLAttributes<HTMLElement>}
          columns={[
            { title: t('profile.mergedAtColumn'), dataIndex: 'mergedAt', render: formatDateTime },
            { title: t('profile.winner'), dataIndex: 'winnerId', render: (id: string) => customerLink(id, rootId) },
            { title: t('profile.loser'), dataIndex: 'loserId', render: (id: string) => customerLink(id, rootId) },
            { title: t('profile.mergeRule'), dataIndex: 'rule', render: (rule: string) => mergeRuleLabel(t, rule) },
            {
              title: t('profile.evidence'),
              dataIndex: 'evidence',
              render: (evidence: Record<string, unknown>) => <Typography.Text code>{showEvidence(evidence)}</Typography.Text>,
            },
            { title: t('profile.mergedBy'), dataIndex: 'mergedBy' },
            {
              title: t('profile.mergeStatus'),
              key: 'status',
              render: (_: unknown, row) =>
                row.undoneAt ? (
                  <Typography.Text type="secondary" data-testid={`merge-undone-${row.id}`}>
                    {t('profile.undoneBy', { by: row.undoneBy ?? '—', at: formatDateTime(row.undoneAt) })}
                  </Typography.Text>
                ) : (
                  <Tag color="green">{t('profile.mergeActive')}</Tag>
                ),
            },
            ...(mayMerge
              ? [
                  {
                    title: t('common.actions'),
                    key: 'actions',
                    render: (_: unknown, row: Merge) =>
                      !row.undoneAt && (
                        <Button size="small" danger onClick={() => unmerge(row)} data-testid={`unmerge-${row.id}`}>
                          {t('profile.unmerge')}
                        </Button>
                      ),
                  },
                ]
              : []),
          ]}
        />
      </Card>
    </Space>
  );
};

import { Table, type TableColumnsType, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { AuditEntry, Page } from '../../api/types';
import { formatDateTime } from '../../format/date';
import { auditActionLabel } from './audit-filters';

interface AuditTableProps {
  data: Page<AuditEntry> | undefined;
  loading: boolean;
  page: number;
  pageSize: number;
  onPage: (page: number, pageSize: number) => void;
}

export const AuditTable = ({ data, loading, page, pageSize, onPage }: AuditTableProps) => {
  const { t } = useTranslation();
  const columns: TableColumnsType<AuditEntry> = [
    { title: t('audit.seq'), dataIndex: 'seq', width: 80 },
    { title: t('audit.at'), dataIndex: 'at', render: formatDateTime },
    {
      title: t('audit.actor'),
      key: 'actor',
      render: (_: unknown, entry) => (
        <span>
          <Tag>{t(`actorTypes.${entry.actorType}`, { defaultValue: entry.actorType })}</Tag>
          {entry.actorLabel ?? entry.actorId ?? '—'}
        </span>
      ),
    },
    {
      title: t('audit.action'),
      dataIndex: 'action',
      render: (action: string) => <span title={action}>{auditActionLabel(t, action)}</span>,
    },
    {
      title: t('audit.subject'),
      key: 'subject',
      render: (_: unknown, entry) =>
        entry.subjectType || entry.subjectId ? <Typography.Text code>{[entry.subjectType, entry.subjectId].filter(Boolean).join(':')}</Typography.Text> : '—',
    },
    { title: t('audit.ip'), dataIndex: 'ip', render: (ip: string | null) => ip ?? '—' },
  ];

  return (
    <Table<AuditEntry>
      rowKey="id"
      size="small"
      loading={loading}
      columns={columns}
      dataSource={data?.items ?? []}
      expandable={{
        expandedRowRender: (entry) => (
          <div>
            {entry.userAgent && (
              <Typography.Paragraph type="secondary">
                {t('audit.userAgent')}: {entry.userAgent}
              </Typography.Paragraph>
            )}
            <pre style={{ margin: 0, whiteSpace: 'pre-wrap', wordBreak: 'break-all' }} data-testid="audit-details">
              {JSON.stringify(entry.details, null, 2)}
            </pre>
          </div>
        ),
      }}
      onChange={(pagination) => onPage(pagination.current ?? 1, pagination.pageSize ?? pageSize)}
      pagination={{
        current: page,
        pageSize,
        total: data?.total ?? 0,
        showSizeChanger: true,
        pageSizeOptions: [20, 50, 100, 200],
        showTotal: (total) => t('common.total', { count: total }),
      }}
      scroll={{ x: 'max-content' }}
    />
  );
};

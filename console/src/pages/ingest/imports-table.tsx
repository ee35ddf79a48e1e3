import { DownloadOutlined } from '@ant-design/icons';
import { Button, Table, type TableColumnsType, Tag, Tooltip } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Page } from '../../api/types';
import { formatDateTime } from '../../format/date';
import { errorReportUrl, type ImportRecord, type ImportStatus } from './imports-api';

const STATUS_COLOR: Record<ImportStatus, string> = { running: 'processing', done: 'success', failed: 'error' };

interface ImportsTableProps {
  data: Page<ImportRecord> | undefined;
  loading: boolean;
  page: number;
  pageSize: number;
  canDownload: boolean;
  onPage: (page: number, pageSize: number) => void;
}

const n = (v: number) => v.toLocaleString();

/** Past and running imports, newest first, with their counts and error reports. */
export const ImportsTable = ({ data, loading, page, pageSize, canDownload, onPage }: ImportsTableProps) => {
  const { t } = useTranslation();
  const columns: TableColumnsType<ImportRecord> = [
    { title: t('imports.startedAt'), dataIndex: 'startedAt', render: formatDateTime },
    { title: t('imports.file'), dataIndex: 'fileName', ellipsis: true },
    { title: t('imports.kind'), dataIndex: 'kind', render: (k: string) => <Tag>{t(`imports.kinds.${k}`, { defaultValue: k })}</Tag> },
    { title: t('imports.source'), dataIndex: 'source' },
    { title: t('imports.encoding'), dataIndex: 'encoding', render: (e: string | null) => e ?? '—' },
    {
      title: t('imports.statusLabel'),
      dataIndex: 'status',
      render: (s: ImportStatus, r: ImportRecord) => {
        const tag = <Tag color={STATUS_COLOR[s]}>{t(`imports.status.${s}`)}</Tag>;
        // An import whose process died: marked failed at the next start; importing the file again completes it.
        return r.failure ? <Tooltip title={r.failure.startsWith('interrupted') ? t('imports.interrupted') : r.failure}>{tag}</Tooltip> : tag;
      },
    },
    { title: t('imports.rowsTotal'), dataIndex: 'rowsTotal', align: 'right', render: n },
    { title: t('imports.rowsStored'), dataIndex: 'rowsStored', align: 'right', render: n },
    { title: t('imports.rowsDuplicate'), dataIndex: 'rowsDuplicate', align: 'right', render: n },
    { title: t('imports.rowsRejected'), dataIndex: 'rowsRejected', align: 'right', render: n },
    {
      title: t('imports.errorReport'),
      key: 'report',
      render: (_: unknown, r) =>
        canDownload && r.rowsRejected > 0 ? (
          <Button size="small" type="link" icon={<DownloadOutlined />} href={errorReportUrl(r.id)} aria-label={t('imports.errorReport')} />
        ) : (
          '—'
        ),
    },
  ];
  return (
    <Table<ImportRecord>
      rowKey="id"
      size="small"
      loading={loading}
      columns={columns}
      dataSource={data?.items ?? []}
      onChange={(p) => onPage(p.current ?? 1, p.pageSize ?? pageSize)}
      pagination={{ current: page, pageSize, total: data?.total ?? 0, showTotal: (total) => t('common.total', { count: total }) }}
      scroll={{ x: 'max-content' }}
      data-testid="imports-table"
    />
  );
};

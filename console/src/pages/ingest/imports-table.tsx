import { DownloadOutlined } from '@ant-design/icons';
import { Button, type TableColumnsType, Tag, Tooltip } from 'antd';
import { useTranslation } from 'react-i18next';
import { parseImportFailure } from '../../../../src/modules/ingest/import/import-failure.shared';
import type { Page } from '../../api/types';
import type { PagedApiState } from '../../api/use-paged-api';
import { ServerPagedTable } from '../../components/server-paged-table';
import { formatDateTime } from '../../format/date';
import { errorReportUrl, type ImportRecord, type ImportStatus } from './imports-api';

const STATUS_COLOR: Record<ImportStatus, string> = { running: 'processing', done: 'success', failed: 'error' };

interface ImportsTableProps {
  list: PagedApiState<Page<ImportRecord>>;
  canDownload: boolean;
}

const n = (v: number) => v.toLocaleString();

/** Past and running imports, newest first, with their counts and error reports. */
export const ImportsTable = ({ list, canDownload }: ImportsTableProps) => {
  const { t } = useTranslation();
  const failureText = (failure: string) => {
    const parsed = parseImportFailure(failure);
    if (!parsed) return failure;
    return parsed.kind === 'interrupted' ? t('imports.interrupted') : `${t('imports.failed')} (${parsed.code})`;
  };
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
        // An import whose process died (marked failed at the next start) or that an error stopped (its code in
        // brackets): importing the file again completes it.
        return r.failure ? <Tooltip title={failureText(r.failure)}>{tag}</Tooltip> : tag;
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
  return <ServerPagedTable<ImportRecord> list={list} rowKey="id" size="small" columns={columns} scroll={{ x: 'max-content' }} data-testid="imports-table" />;
};

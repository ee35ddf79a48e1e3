import { DownloadOutlined } from '@ant-design/icons';
import { Button, Col, Progress, Result, Row, Space, Statistic, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { errorReportUrl, type ImportRecord } from './imports-api';

interface ImportRunStepProps {
  fileName: string;
  sent: number;
  total: number;
  /** Rows the whole file probably has (its size over the bytes per row of its start). */
  estimatedRows: number;
  /** The import as last polled while it runs, then as finished. */
  record: ImportRecord | undefined;
  finished: boolean;
  onAnother: () => void;
}

const Counts = ({ record }: { record: ImportRecord | undefined }) => {
  const { t } = useTranslation();
  return (
    <Row gutter={24} data-testid="import-summary">
      <Col>
        <Statistic title={t('imports.rowsTotal')} value={record?.rowsTotal ?? 0} />
      </Col>
      <Col>
        <Statistic title={t('imports.rowsStored')} value={record?.rowsStored ?? 0} styles={{ content: { color: '#389e0d' } }} />
      </Col>
      <Col>
        <Statistic title={t('imports.rowsDuplicate')} value={record?.rowsDuplicate ?? 0} />
      </Col>
      <Col>
        <Statistic
          title={t('imports.rowsRejected')}
          value={record?.rowsRejected ?? 0}
          styles={{ content: { color: record?.rowsRejected ? '#cf1322' : undefined } }}
        />
      </Col>
    </Row>
  );
};

/** Step 3: the progress bar while the file streams in, then the summary and the error report. */
export const ImportRunStep = ({ fileName, sent, total, estimatedRows, record, finished, onAnother }: ImportRunStepProps) => {
  const { t } = useTranslation();
  // The server reads the upload only as fast as it imports, but buffers run ahead of it: the bar
  // follows the slower of the bytes sent and the rows imported (against the estimate).
  const uploaded = total > 0 ? sent / total : 0;
  const imported = estimatedRows > 0 ? (record?.rowsTotal ?? 0) / estimatedRows : uploaded;
  const percent = Math.min(99, Math.floor(Math.min(uploaded, imported) * 100));
  if (!finished) {
    return (
      <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
        <Typography.Text>{t('imports.running', { file: fileName })}</Typography.Text>
        <Progress percent={percent} status="active" data-testid="import-progress" />
        <Counts record={record} />
      </Space>
    );
  }
  const failed = record?.status === 'failed';
  return (
    <Result
      status={failed ? 'error' : record?.rowsRejected ? 'warning' : 'success'}
      title={failed ? t('imports.failed') : t('imports.done', { file: fileName })}
      subTitle={record?.rowsRejected ? t('imports.rejectedHint', { count: record.rowsRejected }) : undefined}
      extra={[
        record && record.rowsRejected > 0 && (
          <Button key="report" icon={<DownloadOutlined />} href={errorReportUrl(record.id)} data-testid="import-error-report">
            {t('imports.errorReport')}
          </Button>
        ),
        <Button key="again" type="primary" onClick={onAnother} data-testid="import-another">
          {t('imports.another')}
        </Button>,
      ]}
    >
      <Counts record={record} />
    </Result>
  );
};

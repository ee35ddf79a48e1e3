import { App, Card, Space, Steps, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { usePagedApi } from '../../api/use-paged-api';
import { ErrorAlert } from '../../components/error-alert';
import { errorMessage } from '../../i18n/error-message';
import { useSession } from '../../session/session-context';
import { AUTO, type DateOrderChoice } from './date-order';
import { ImportFileStep, type ImportSettings } from './import-file-step';
import { ImportMappingStep } from './import-mapping-step';
import { ImportRunStep } from './import-run-step';
import { type FilePreview, type ImportRecord, listImports, previewFile, uploadFile } from './imports-api';
import { ImportsTable } from './imports-table';

type Step = 'file' | 'mapping' | 'running' | 'finished';
const STEP_INDEX: Record<Step, number> = { file: 0, mapping: 1, running: 2, finished: 2 };
const POLL_MS = 1_500;

/** Bulk import: choose kind and source, drop a file, map its columns, watch it stream in, read the summary. */
export const ImportsPage = () => {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { can } = useSession();
  const [step, setStep] = useState<Step>('file');
  const [settings, setSettings] = useState<ImportSettings>({ kind: 'customers', source: 'import', timezone: 'Asia/Shanghai' });
  const [file, setFile] = useState<File>();
  const [preview, setPreview] = useState<FilePreview>();
  const [mapping, setMapping] = useState<Record<string, string>>({});
  const [dateOrder, setDateOrder] = useState<DateOrderChoice>(AUTO);
  const [sent, setSent] = useState({ sent: 0, total: 0 });
  const [finished, setFinished] = useState<ImportRecord>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const history = usePagedApi(listImports, [], 10);

  // While a file streams in, the history (and this file's live counts) refreshes.
  const { reload } = history;
  useEffect(() => {
    if (step !== 'running') return;
    const timer = window.setInterval(reload, POLL_MS);
    return () => window.clearInterval(timer);
  }, [step, reload]);

  const running =
    step === 'running' ? history.data?.items.find((i) => i.status === 'running' && i.fileName === file?.name && i.source === settings.source) : undefined;
  const sources = [...new Set(['import', ...(history.data?.items.map((i) => i.source) ?? [])])];

  const onFile = (chosen: File) => {
    setError(undefined);
    setBusy(true);
    previewFile(chosen, settings.kind, settings.source)
      .then((p) => {
        setFile(chosen);
        setPreview(p);
        setMapping(p.mapping);
        setDateOrder(p.dateOrder ?? AUTO);
        setStep('mapping');
      })
      .catch(setError)
      .finally(() => setBusy(false));
  };

  const onStart = () => {
    if (!file) return;
    setError(undefined);
    setSent({ sent: 0, total: file.size });
    setStep('running');
    uploadFile(file, { ...settings, mapping, dateOrder: dateOrder === AUTO ? undefined : dateOrder }, (done, total) => setSent({ sent: done, total }))
      .then((res) => {
        setFinished(res.import);
        setStep('finished');
        message.success(t('imports.done', { file: file.name }));
      })
      .catch((e: unknown) => {
        setError(e);
        message.error(errorMessage(t, e));
        setStep('mapping');
      })
      .finally(reload);
  };

  const reset = () => {
    setStep('file');
    setFile(undefined);
    setPreview(undefined);
    setFinished(undefined);
    setError(undefined);
  };

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={3} style={{ margin: 0 }}>
        {t('imports.title')}
      </Typography.Title>
      <Card>
        <Steps
          current={STEP_INDEX[step]}
          style={{ marginBottom: 24 }}
          items={[{ title: t('imports.stepFile') }, { title: t('imports.stepMapping') }, { title: t('imports.stepImport') }]}
        />
        <ErrorAlert error={error} />
        {step === 'file' && <ImportFileStep settings={settings} sources={sources} busy={busy} onSettings={setSettings} onFile={onFile} />}
        {step === 'mapping' && preview && file && (
          <ImportMappingStep
            kind={settings.kind}
            fileName={file.name}
            preview={preview}
            mapping={mapping}
            onMapping={setMapping}
            dateOrder={dateOrder}
            onDateOrder={setDateOrder}
            onBack={reset}
            onStart={onStart}
          />
        )}
        {(step === 'running' || step === 'finished') && file && (
          <ImportRunStep
            fileName={file.name}
            sent={sent.sent}
            total={sent.total}
            estimatedRows={preview ? Math.round(file.size / preview.bytesPerRow) : 0}
            record={finished ?? running}
            finished={step === 'finished'}
            onAnother={reset}
          />
        )}
      </Card>
      <Card title={t('imports.history')} size="small">
        <ImportsTable list={{ ...history, loading: history.loading && step !== 'running' }} canDownload={can('ingest:import')} />
      </Card>
    </Space>
  );
};

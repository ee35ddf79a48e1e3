import { InboxOutlined } from '@ant-design/icons';
import { AutoComplete, Form, Select, Space, Typography, Upload } from 'antd';
import { useTranslation } from 'react-i18next';
import { IMPORT_KINDS, type ImportKind } from './imports-api';

export const TIMEZONES = [
  'Asia/Shanghai',
  'Asia/Hong_Kong',
  'Asia/Taipei',
  'Asia/Singapore',
  'Asia/Tokyo',
  'Europe/London',
  'Europe/Berlin',
  'America/New_York',
  'UTC',
];

const ACCEPT = '.csv,.tsv,.txt,.jsonl,.ndjson,.json,.gz';

export interface ImportSettings {
  kind: ImportKind;
  source: string;
  timezone: string;
}

interface ImportFileStepProps {
  settings: ImportSettings;
  sources: string[];
  busy: boolean;
  onSettings: (next: ImportSettings) => void;
  onFile: (file: File) => void;
}

const SOURCE_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/** Step 1: what the file holds, where it comes from, and the file itself (drag and drop or choose). */
export const ImportFileStep = ({ settings, sources, busy, onSettings, onFile }: ImportFileStepProps) => {
  const { t } = useTranslation();
  const sourceValid = SOURCE_PATTERN.test(settings.source);
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Form layout="inline">
        <Form.Item label={t('imports.kind')}>
          <Select<ImportKind>
            value={settings.kind}
            style={{ width: 180 }}
            onChange={(kind) => onSettings({ ...settings, kind })}
            options={IMPORT_KINDS.map((k) => ({ value: k, label: t(`imports.kinds.${k}`) }))}
            data-testid="import-kind"
          />
        </Form.Item>
        <Form.Item
          label={t('imports.source')}
          tooltip={t('imports.sourceHelp')}
          validateStatus={sourceValid ? undefined : 'error'}
          help={sourceValid ? undefined : t('imports.sourceInvalid')}
        >
          <AutoComplete
            value={settings.source}
            style={{ width: 200 }}
            options={sources.map((s) => ({ value: s }))}
            onChange={(source: string) => onSettings({ ...settings, source: source.trim().toLowerCase() })}
            data-testid="import-source"
          />
        </Form.Item>
        <Form.Item label={t('imports.timezone')} tooltip={t('imports.timezoneHelp')}>
          <Select
            value={settings.timezone}
            style={{ width: 200 }}
            onChange={(timezone: string) => onSettings({ ...settings, timezone })}
            options={TIMEZONES.map((z) => ({ value: z, label: z }))}
            data-testid="import-timezone"
          />
        </Form.Item>
      </Form>
      <div data-testid="import-dropzone">
        <Upload.Dragger
          accept={ACCEPT}
          multiple={false}
          showUploadList={false}
          disabled={busy || !sourceValid}
          beforeUpload={(file) => {
            onFile(file);
            return false;
          }}
        >
          <p className="ant-upload-drag-icon">
            <InboxOutlined />
          </p>
          <p className="ant-upload-text">{t('imports.drop')}</p>
          <p className="ant-upload-hint">{t('imports.dropHint')}</p>
        </Upload.Dragger>
      </div>
      <Typography.Text type="secondary">{t(`imports.kindHelp.${settings.kind}`)}</Typography.Text>
    </Space>
  );
};

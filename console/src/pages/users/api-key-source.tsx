import { AutoComplete, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import type { DataSource } from '../ingest/sources-api';

/** What the server accepts as a source id (ingest_source.id); `console` is reserved for edits made in the console. */
export const SOURCE_ID = /^[a-z0-9][a-z0-9_-]{0,62}$/;
export const RESERVED_SOURCE = 'console';

/** A source the key may write for: an existing one from the list, or a new id typed in. */
export const ApiKeySourceInput = ({ sources, value, onChange }: { sources: readonly DataSource[]; value?: string; onChange?: (value: string) => void }) => {
  const { t } = useTranslation();
  const options = sources
    .filter((s) => s.id !== RESERVED_SOURCE)
    .map((s) => ({
      value: s.id,
      label: (
        <Space size="small" data-testid={`api-key-source-option-${s.id}`}>
          <span>{s.name}</span>
          <Typography.Text type="secondary" code>
            {s.id}
          </Typography.Text>
        </Space>
      ),
    }));
  return (
    <AutoComplete
      value={value}
      onChange={onChange}
      options={options}
      showSearch={{ filterOption: (input, option) => String(option?.value ?? '').includes(input.trim().toLowerCase()) }}
      placeholder={t('apiKeys.sourcePlaceholder')}
      data-testid="api-key-source"
      allowClear
    />
  );
};

/** The key list's source cell: the source's name, linked to its event debugger, and its id. */
export const ApiKeySourceCell = ({ sourceId, sources }: { sourceId: string | null; sources: ReadonlyMap<string, DataSource> }) => {
  if (!sourceId) return <>—</>;
  const source = sources.get(sourceId);
  return (
    <Space orientation="vertical" size={0} data-testid={`api-key-source-${sourceId}`}>
      <Link to={`/sources/${encodeURIComponent(sourceId)}`}>{source?.name ?? sourceId}</Link>
      <Typography.Text type="secondary" code>
        {sourceId}
      </Typography.Text>
    </Space>
  );
};

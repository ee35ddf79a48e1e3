import { CheckCircleTwoTone, CloseCircleTwoTone } from '@ant-design/icons';
import { Alert, Button, Select, Space, Table, type TableColumnsType, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { AUTO, DATE_FIELDS, DATE_ORDERS, type DateOrderChoice, FALLBACK_EXAMPLE, readDateAs, sampleDate } from './date-order';
import { type FilePreview, IGNORE, type ImportKind } from './imports-api';

interface ImportMappingStepProps {
  kind: ImportKind;
  fileName: string;
  preview: FilePreview;
  mapping: Record<string, string>;
  onMapping: (next: Record<string, string>) => void;
  /** How dates like 01/02/2024 are read; `auto` sends none (the server reads them by their form). */
  dateOrder: DateOrderChoice;
  onDateOrder: (next: DateOrderChoice) => void;
  onBack: () => void;
  onStart: () => void;
}

type ColumnRow = { column: string; index: number };

/** Which required entries (a field, or one of several) the mapping leaves unmapped. */
export const missingRequired = (required: FilePreview['required'], mapping: Record<string, string>): (string | string[])[] => {
  const mapped = new Set(Object.values(mapping));
  return required.filter((need) => !(Array.isArray(need) ? need : [need]).some((f) => mapped.has(f)));
};

/** Step 2: the file's columns, a few values of each, and the Guanxi field each one goes to. */
export const ImportMappingStep = ({ kind, fileName, preview, mapping, onMapping, dateOrder, onDateOrder, onBack, onStart }: ImportMappingStepProps) => {
  const { t } = useTranslation();
  const fieldLabel = (f: string) => t(`imports.fields.${f}`, { defaultValue: f });
  const missing = missingRequired(preview.required, mapping);
  const taken = new Set(Object.values(mapping));
  const hasDates = preview.fields.some((f) => (DATE_FIELDS as readonly string[]).includes(f));
  const example = sampleDate(preview.columns, preview.sample, mapping) ?? FALLBACK_EXAMPLE;
  // A saved order can be replaced but not unset, so "by the date's form" is offered only when none is saved.
  const choices: DateOrderChoice[] = preview.dateOrder ? [...DATE_ORDERS] : [AUTO, ...DATE_ORDERS];

  const setField = (column: string, field: string | undefined) => {
    const next = { ...mapping };
    if (field) {
      // A field comes from one column: taking it elsewhere frees it here.
      for (const [c, f] of Object.entries(next)) if (f === field && field !== IGNORE) delete next[c];
      next[column] = field;
    } else {
      delete next[column];
    }
    onMapping(next);
  };

  const columns: TableColumnsType<ColumnRow> = [
    { title: t('imports.column'), dataIndex: 'column', render: (c: string) => <Typography.Text strong>{c}</Typography.Text> },
    {
      title: t('imports.sample'),
      key: 'sample',
      render: (_: unknown, row) => (
        <Typography.Text type="secondary" ellipsis style={{ maxWidth: 320 }}>
          {preview.sample
            .map((cells) => cells[row.index] ?? '')
            .filter((v) => v !== '')
            .slice(0, 3)
            .join(' · ') || '—'}
        </Typography.Text>
      ),
    },
    {
      title: t('imports.field'),
      key: 'field',
      width: 260,
      render: (_: unknown, row) => (
        <Select
          allowClear
          style={{ width: 240 }}
          value={mapping[row.column]}
          placeholder={kind === 'customers' ? t('imports.asAttribute') : t('imports.notImported')}
          onChange={(field?: string) => setField(row.column, field)}
          options={[
            ...preview.fields.map((f) => ({ value: f, label: `${fieldLabel(f)}${taken.has(f) && mapping[row.column] !== f ? ' ✓' : ''}` })),
            { value: IGNORE, label: t('imports.ignore') },
          ]}
          data-testid={`import-map-${row.index}`}
        />
      ),
    },
  ];

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Space wrap>
        <Typography.Text strong>{fileName}</Typography.Text>
        <Tag color="blue" data-testid="import-encoding">
          {preview.encoding}
        </Tag>
        <Tag>{preview.format.toUpperCase()}</Tag>
        {preview.savedMapping && <Tag color="green">{t('imports.savedMapping')}</Tag>}
      </Space>
      <Table<ColumnRow>
        rowKey="column"
        size="small"
        pagination={false}
        columns={columns}
        dataSource={preview.columns.map((column, index) => ({ column, index }))}
        data-testid="import-mapping"
      />
      <Space wrap>
        {preview.required.map((need) => {
          const options = Array.isArray(need) ? need : [need];
          const ok = !missing.includes(need);
          return (
            <Tag key={options.join('|')} icon={ok ? <CheckCircleTwoTone twoToneColor="#52c41a" /> : <CloseCircleTwoTone twoToneColor="#ff4d4f" />}>
              {options.map(fieldLabel).join(t('imports.or'))}
            </Tag>
          );
        })}
      </Space>
      {hasDates && (
        <Space wrap align="center">
          <Typography.Text>{t('imports.dateOrder')}</Typography.Text>
          <Select<DateOrderChoice>
            style={{ width: 320 }}
            value={dateOrder}
            onChange={onDateOrder}
            options={choices.map((c) => ({ value: c, label: t(`imports.dateOrders.${c}`) }))}
            data-testid="import-date-order"
          />
          <Typography.Text type="secondary" data-testid="import-date-example">
            {t('imports.dateOrderExample', { example, date: readDateAs(example, dateOrder) ?? '—' })}
          </Typography.Text>
        </Space>
      )}
      {missing.length > 0 && <Alert type="warning" showIcon title={t('imports.mapRequired')} />}
      <Space>
        <Button onClick={onBack}>{t('imports.back')}</Button>
        <Button type="primary" disabled={missing.length > 0} onClick={onStart} data-testid="import-start">
          {t('imports.start')}
        </Button>
      </Space>
    </Space>
  );
};

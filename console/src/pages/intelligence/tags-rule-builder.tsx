import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Form, type FormInstance, Input, InputNumber, Radio, Select, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import { type Condition, operatorsFor, RULE_FIELD_KEYS, RULE_FIELDS, type RuleField, valueShape } from './tags-api';

/** A condition row as the form holds it: money in yuan (the API takes fen). */
export type ConditionRow = Condition;

const NumberValue = ({ unit, ...rest }: { unit?: string; 'data-testid'?: string }) => (
  <InputNumber
    style={{ width: 140 }}
    prefix={unit === 'fen' ? '¥' : undefined}
    min={unit === 'fen' || unit === 'count' || unit === 'days' ? 0 : undefined}
    {...rest}
  />
);

/** Rows of field / parameters / operator / value; `match` says whether all or any must hold. */
export const RuleBuilder = ({ form }: { form: FormInstance }) => {
  const { t } = useTranslation();
  const rows = (Form.useWatch(['rule', 'conditions'], form) ?? []) as Partial<ConditionRow>[];

  return (
    <>
      <Form.Item name={['rule', 'match']} label={t('tags.match')} initialValue="all">
        <Radio.Group
          options={[
            { value: 'all', label: t('tags.matchAll') },
            { value: 'any', label: t('tags.matchAny') },
          ]}
        />
      </Form.Item>
      <Form.List name={['rule', 'conditions']}>
        {(fields, { add, remove }) => (
          <Space orientation="vertical" style={{ width: '100%' }} data-testid="rule-conditions">
            {fields.map((f, index) => {
              const row = rows[index] ?? {};
              const field = row.field as RuleField | undefined;
              const meta = field ? RULE_FIELDS[field] : undefined;
              const shape = row.op ? valueShape(row.op) : 'one';
              return (
                <Space key={f.key} wrap align="start" data-testid={`rule-condition-${index}`}>
                  <Form.Item name={[f.name, 'field']} rules={[{ required: true, message: t('common.required') }]} style={{ marginBottom: 0 }}>
                    <Select
                      style={{ width: 200 }}
                      placeholder={t('tags.field')}
                      showSearch={{ optionFilterProp: 'label' }}
                      data-testid={`rule-field-${index}`}
                      options={RULE_FIELD_KEYS.map((k) => ({ value: k, label: t(`tags.fields.${k}`) }))}
                      onChange={(value: RuleField) => {
                        form.setFieldValue(['rule', 'conditions', f.name], { field: value, op: operatorsFor(value)[0] });
                      }}
                    />
                  </Form.Item>
                  {meta?.params.includes('key') && (
                    <Form.Item name={[f.name, 'key']} rules={[{ required: true, message: t('common.required') }]} style={{ marginBottom: 0 }}>
                      <Input style={{ width: 120 }} placeholder={t('tags.paramKey')} data-testid={`rule-key-${index}`} />
                    </Form.Item>
                  )}
                  {meta?.params.includes('event') && (
                    <Form.Item name={[f.name, 'event']} rules={[{ required: true, message: t('common.required') }]} style={{ marginBottom: 0 }}>
                      <Input style={{ width: 150 }} placeholder={t('tags.paramEvent')} />
                    </Form.Item>
                  )}
                  {meta?.params.includes('days') && (
                    <Form.Item name={[f.name, 'days']} rules={[{ required: true, message: t('common.required') }]} style={{ marginBottom: 0 }}>
                      <InputNumber style={{ width: 120 }} min={1} max={3650} suffix={t('tags.days')} placeholder={t('tags.paramDays')} />
                    </Form.Item>
                  )}
                  <Form.Item name={[f.name, 'op']} rules={[{ required: true, message: t('common.required') }]} style={{ marginBottom: 0 }}>
                    <Select
                      style={{ width: 130 }}
                      data-testid={`rule-op-${index}`}
                      options={(field ? operatorsFor(field) : []).map((op) => ({ value: op, label: t(`tags.ops.${op}`) }))}
                    />
                  </Form.Item>
                  {shape === 'one' && meta?.type === 'number' && (
                    <Form.Item name={[f.name, 'value']} rules={[{ required: true, message: t('common.required') }]} style={{ marginBottom: 0 }}>
                      <NumberValue unit={meta.unit} data-testid={`rule-value-${index}`} />
                    </Form.Item>
                  )}
                  {shape === 'one' && meta?.type !== 'number' && (
                    <Form.Item name={[f.name, 'value']} rules={[{ required: true, message: t('common.required') }]} style={{ marginBottom: 0 }}>
                      <Input style={{ width: 160 }} data-testid={`rule-value-${index}`} />
                    </Form.Item>
                  )}
                  {shape === 'range' && (
                    <Space.Compact>
                      <Form.Item name={[f.name, 'value', 0]} rules={[{ required: true, message: t('common.required') }]} style={{ marginBottom: 0 }}>
                        <NumberValue unit={meta?.unit} />
                      </Form.Item>
                      <Form.Item name={[f.name, 'value', 1]} rules={[{ required: true, message: t('common.required') }]} style={{ marginBottom: 0 }}>
                        <NumberValue unit={meta?.unit} />
                      </Form.Item>
                    </Space.Compact>
                  )}
                  {shape === 'list' && (
                    <Form.Item name={[f.name, 'value']} rules={[{ required: true, message: t('common.required') }]} style={{ marginBottom: 0 }}>
                      <Select mode="tags" style={{ width: 240 }} placeholder={t('tags.listPlaceholder')} open={false} data-testid={`rule-value-${index}`} />
                    </Form.Item>
                  )}
                  <Button icon={<DeleteOutlined />} aria-label={t('tags.removeCondition')} onClick={() => remove(f.name)} disabled={fields.length === 1} />
                </Space>
              );
            })}
            <Button
              icon={<PlusOutlined />}
              onClick={() => add({ field: 'stats.order_count', op: '>=' })}
              disabled={fields.length >= 20}
              data-testid="rule-add-condition"
            >
              {t('tags.addCondition')}
            </Button>
          </Space>
        )}
      </Form.List>
    </>
  );
};

const scale = (c: ConditionRow, to: 'fen' | 'yuan'): ConditionRow => {
  if (RULE_FIELDS[c.field]?.unit !== 'fen' || c.value === undefined || c.value === null) return c;
  const conv = (v: unknown) => (typeof v !== 'number' ? v : to === 'fen' ? Math.round(v * 100) : v / 100);
  return { ...c, value: Array.isArray(c.value) ? c.value.map(conv) : conv(c.value) };
};

/** Form rows → API conditions: yuan to fen, no value for the set tests. */
export const toApiConditions = (rows: ConditionRow[]): Condition[] =>
  rows.map((row) => {
    const c = scale(row, 'fen');
    const out: Condition = { field: c.field, op: c.op };
    if (valueShape(c.op) !== 'none') out.value = c.value;
    for (const p of RULE_FIELDS[c.field].params) if (c[p] !== undefined) (out as unknown as Record<string, unknown>)[p] = c[p];
    return out;
  });

/** API conditions → form rows (fen to yuan). */
export const toFormConditions = (conditions: Condition[]): ConditionRow[] => conditions.map((c) => scale(c, 'yuan'));

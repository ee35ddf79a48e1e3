import { Button, DatePicker, Form, Input, Select, Space } from 'antd';
import type { Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { useApi } from '../../api/use-api';

export interface AuditFilter {
  actor?: string;
  action?: string;
  subjectType?: string;
  subjectId?: string;
  from?: string;
  to?: string;
}

interface FilterForm {
  actor?: string;
  action?: string;
  subjectType?: string;
  subjectId?: string;
  range?: [Dayjs | null, Dayjs | null] | null;
}

const blankToUndefined = (value: string | undefined): string | undefined => value?.trim() || undefined;

const toFilter = (values: FilterForm): AuditFilter => ({
  actor: blankToUndefined(values.actor),
  action: values.action || undefined,
  subjectType: blankToUndefined(values.subjectType),
  subjectId: blankToUndefined(values.subjectId),
  from: values.range?.[0]?.startOf('day').toISOString(),
  to: values.range?.[1]?.endOf('day').toISOString(),
});

export const auditActionLabel = (t: (key: string, options: { defaultValue: string }) => string, action: string) =>
  t(`auditActions.${action}`, { defaultValue: action });

export const AuditFilters = ({ onChange }: { onChange: (filter: AuditFilter) => void }) => {
  const { t } = useTranslation();
  const [form] = Form.useForm<FilterForm>();
  const actions = useApi(() => api.get<{ actions: string[] }>('/api/audit/actions'), []);
  const actionOptions = (actions.data?.actions ?? []).map((action) => ({
    value: action,
    label: `${auditActionLabel(t, action)} (${action})`,
  }));

  return (
    <Form<FilterForm> form={form} layout="inline" onFinish={(values) => onChange(toFilter(values))} style={{ rowGap: 8 }}>
      <Form.Item name="actor" label={t('audit.actor')}>
        <Input allowClear placeholder={t('audit.actorPlaceholder')} data-testid="audit-filter-actor" />
      </Form.Item>
      <Form.Item name="action" label={t('audit.action')}>
        <Select
          allowClear
          showSearch
          loading={actions.loading}
          options={actionOptions}
          placeholder={t('audit.actionPlaceholder')}
          style={{ minWidth: 220 }}
          data-testid="audit-filter-action"
        />
      </Form.Item>
      <Form.Item name="subjectType" label={t('audit.subjectType')}>
        <Input allowClear style={{ width: 140 }} data-testid="audit-filter-subject-type" />
      </Form.Item>
      <Form.Item name="subjectId" label={t('audit.subjectId')}>
        <Input allowClear style={{ width: 200 }} data-testid="audit-filter-subject-id" />
      </Form.Item>
      <Form.Item name="range" label={t('audit.dateRange')}>
        <DatePicker.RangePicker data-testid="audit-filter-range" />
      </Form.Item>
      <Form.Item>
        <Space>
          <Button type="primary" htmlType="submit" data-testid="audit-filter-submit">
            {t('common.search')}
          </Button>
          <Button
            onClick={() => {
              form.resetFields();
              onChange({});
            }}
          >
            {t('common.reset')}
          </Button>
        </Space>
      </Form.Item>
    </Form>
  );
};

import { Alert, App, Button, Form, Input, InputNumber, Modal, Radio, Select, Space, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../../api/client';
import { errorMessage } from '../../i18n/error-message';
import { type Behaviour, namePath, type Rule, TAG_COLOURS, TAG_KINDS, type TagDefinition, type TagKind } from './tags-api';
import { type ConditionRow, RuleBuilder, toApiConditions, toFormConditions } from './tags-rule-builder';

interface TagForm {
  name: string;
  description?: string;
  colour: string;
  kind: TagKind;
  rule?: { match: 'all' | 'any'; conditions: ConditionRow[] };
  behaviour?: Behaviour;
}

const NEW_TAG: Partial<TagForm> = {
  kind: 'rule',
  colour: 'blue',
  rule: { match: 'all', conditions: [{ field: 'stats.order_count', op: '>=', value: 2 }] },
  behaviour: { type: 'frequency', source: 'all', windowDays: 7, minCount: 1 },
};

const toForm = (tag: TagDefinition): Partial<TagForm> => ({
  name: tag.name,
  description: tag.description,
  colour: tag.colour,
  kind: tag.kind,
  rule: tag.rule ? { match: tag.rule.match, conditions: toFormConditions(tag.rule.conditions) } : NEW_TAG.rule,
  behaviour: tag.behaviour ?? NEW_TAG.behaviour,
});

/** The definition part of the body for the tag's kind. */
const definitionOf = (values: TagForm): { rule?: Rule; behaviour?: Behaviour } =>
  values.kind === 'rule' && values.rule
    ? { rule: { match: values.rule.match, conditions: toApiConditions(values.rule.conditions) } }
    : values.kind === 'behavioural' && values.behaviour
      ? { behaviour: values.behaviour }
      : {};

const BehaviourForm = () => {
  const { t } = useTranslation();
  const form = Form.useFormInstance();
  const type = Form.useWatch(['behaviour', 'type'], form) as Behaviour['type'] | undefined;
  const source = Form.useWatch(['behaviour', 'source'], form) as string | undefined;
  return (
    <>
      <Form.Item name={['behaviour', 'type']} label={t('tags.behaviourType')}>
        <Radio.Group
          options={[
            { value: 'frequency', label: t('tags.behaviourFrequency') },
            { value: 'preference', label: t('tags.behaviourPreference') },
          ]}
        />
      </Form.Item>
      <Space wrap align="start">
        <Form.Item name={['behaviour', 'source']} label={t('tags.source')} rules={[{ required: true, message: t('common.required') }]}>
          <Select
            style={{ width: 180 }}
            options={(type === 'preference' ? ['orders', 'events'] : ['all', 'events', 'orders']).map((s) => ({ value: s, label: t(`tags.sources.${s}`) }))}
          />
        </Form.Item>
        <Form.Item name={['behaviour', 'windowDays']} label={t('tags.windowDays')} rules={[{ required: true, message: t('common.required') }]}>
          <InputNumber min={1} max={3650} suffix={t('tags.days')} data-testid="behaviour-window" />
        </Form.Item>
        {type === 'frequency' && source !== 'orders' && (
          <Form.Item name={['behaviour', 'eventName']} label={t('tags.eventName')}>
            <Input style={{ width: 160 }} placeholder={t('tags.anyEvent')} />
          </Form.Item>
        )}
        {type === 'preference' && (
          <Form.Item name={['behaviour', 'category']} label={t('tags.category')} rules={[{ required: true, message: t('common.required') }]}>
            <Input style={{ width: 140 }} />
          </Form.Item>
        )}
        <Form.Item name={['behaviour', 'minCount']} label={t('tags.minCount')} rules={[{ required: true, message: t('common.required') }]}>
          <InputNumber min={type === 'preference' ? 1 : 0} data-testid="behaviour-min" />
        </Form.Item>
        {type === 'frequency' && (
          <Form.Item name={['behaviour', 'maxCount']} label={t('tags.maxCount')}>
            <InputNumber min={0} />
          </Form.Item>
        )}
      </Space>
      <Typography.Paragraph type="secondary">{t(type === 'preference' ? 'tags.preferenceHelp' : 'tags.frequencyHelp')}</Typography.Paragraph>
    </>
  );
};

/** Create or edit a tag of any kind; rule and behavioural tags can be previewed (how many customers now). */
export const TagEditModal = ({ open, tag, onClose, onSaved }: { open: boolean; tag: TagDefinition | null; onClose: () => void; onSaved: () => void }) => {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<TagForm>();
  const [saving, setSaving] = useState(false);
  const [preview, setPreview] = useState<number | null>(null);
  const [problems, setProblems] = useState<string[]>([]);
  const kind = Form.useWatch('kind', form) as TagKind | undefined;

  useEffect(() => {
    if (!open) return;
    form.resetFields();
    form.setFieldsValue(tag ? toForm(tag) : NEW_TAG);
    setPreview(null);
    setProblems([]);
  }, [open, tag, form]);

  const showServerErrors = (error: unknown) => {
    if (error instanceof ApiError && error.fields.length > 0) {
      form.setFields(error.fields.map((f) => ({ name: namePath(f.path) as never, errors: [f.message] })));
      setProblems(error.fields.map((f) => `${f.path.replace(/^body\./, '')}: ${f.message}`));
    }
    message.error(errorMessage(t, error));
  };

  const runPreview = async () => {
    const values = await form.validateFields();
    setProblems([]);
    try {
      const res = await api.post<{ count: number }>('/api/tags/preview', { kind: values.kind, ...definitionOf(values) });
      setPreview(res.count);
    } catch (error) {
      showServerErrors(error);
    }
  };

  const submit = async () => {
    const values = await form.validateFields();
    setSaving(true);
    setProblems([]);
    try {
      const body = { name: values.name, description: values.description ?? '', colour: values.colour, ...definitionOf(values) };
      if (tag) await api.patch(`/api/tags/${encodeURIComponent(tag.id)}`, body);
      else await api.post('/api/tags', { ...body, kind: values.kind });
      message.success(t('tags.saved'));
      onSaved();
    } catch (error) {
      showServerErrors(error);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      open={open}
      width={900}
      title={tag ? t('tags.editTitle') : t('tags.createTitle')}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={saving}
      okButtonProps={{ 'data-testid': 'tag-save' } as never}
      onOk={() => {
        submit().catch(() => undefined);
      }}
      onCancel={onClose}
      forceRender
    >
      <Form form={form} layout="vertical" data-testid="tag-form">
        <Space wrap align="start">
          <Form.Item name="name" label={t('tags.name')} rules={[{ required: true, message: t('common.required') }, { max: 60 }]}>
            <Input style={{ width: 220 }} data-testid="tag-name" />
          </Form.Item>
          <Form.Item name="colour" label={t('tags.colour')}>
            <Select style={{ width: 160 }} options={TAG_COLOURS.map((c) => ({ value: c, label: <Tag color={c}>{t(`tags.colours.${c}`)}</Tag> }))} />
          </Form.Item>
          <Form.Item name="kind" label={t('tags.kind')}>
            <Radio.Group disabled={Boolean(tag)} data-testid="tag-kind" options={TAG_KINDS.map((k) => ({ value: k, label: t(`tags.kinds.${k}`) }))} />
          </Form.Item>
        </Space>
        <Form.Item name="description" label={t('tags.description')} rules={[{ max: 500 }]}>
          <Input.TextArea rows={2} />
        </Form.Item>
        {kind === 'rule' && <RuleBuilder form={form} />}
        {kind === 'behavioural' && <BehaviourForm />}
        {kind === 'manual' && <Typography.Paragraph type="secondary">{t('tags.manualHelp')}</Typography.Paragraph>}
        {problems.length > 0 && <Alert type="error" showIcon title={problems.join('; ')} style={{ marginTop: 12 }} data-testid="tag-problems" />}
        {kind !== 'manual' && (
          <Space style={{ marginTop: 12 }}>
            <Button onClick={() => runPreview().catch(() => undefined)} data-testid="tag-preview">
              {t('tags.preview')}
            </Button>
            {preview !== null && <Typography.Text data-testid="tag-preview-count">{t('tags.previewCount', { count: preview })}</Typography.Text>}
          </Space>
        )}
      </Form>
    </Modal>
  );
};

import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { AutoComplete, Button, Form, Select, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import { SURVIVORSHIP_RULES } from '../../api/identity-types';
import { SUGGESTED_FIELDS } from './identity-rules-form';

/** Default survivorship rule plus per-field overrides (rows can be added and removed). */
export const SurvivorshipEditor = () => {
  const { t } = useTranslation();
  const ruleOptions = SURVIVORSHIP_RULES.map((rule) => ({ value: rule, label: t(`identity.survivorship.${rule}`) }));
  const fieldOptions = SUGGESTED_FIELDS.map((field) => ({ value: field }));

  return (
    <>
      <Form.Item name="survivorshipDefault" label={t('identity.rules.survivorshipDefault')} extra={t('identity.rules.survivorshipHelp')}>
        <Select options={ruleOptions} style={{ maxWidth: 280 }} data-testid="rules-survivorship-default" />
      </Form.Item>
      <Form.Item label={t('identity.rules.overrides')}>
        <Form.List name="overrides">
          {(rows, { add, remove }) => (
            <Space orientation="vertical" style={{ width: '100%' }}>
              {rows.map((row, index) => (
                <Space key={row.key} align="start" data-testid={`rules-override-${index}`}>
                  <Form.Item
                    name={[row.name, 'field']}
                    style={{ margin: 0 }}
                    rules={[
                      { required: true, whitespace: true, message: t('common.required') },
                      ({ getFieldValue }) => ({
                        validator: (_, value: string) => {
                          const names = ((getFieldValue('overrides') ?? []) as { field?: string }[]).map((r) => r?.field?.trim());
                          return names.filter((name) => name && name === value?.trim()).length > 1
                            ? Promise.reject(new Error(t('identity.rules.duplicateField')))
                            : Promise.resolve();
                        },
                      }),
                    ]}
                  >
                    <AutoComplete options={fieldOptions} placeholder={t('identity.rules.field')} style={{ width: 200 }} />
                  </Form.Item>
                  <Form.Item name={[row.name, 'rule']} style={{ margin: 0 }} rules={[{ required: true, message: t('common.required') }]}>
                    <Select options={ruleOptions} style={{ width: 200 }} />
                  </Form.Item>
                  <Button icon={<DeleteOutlined />} onClick={() => remove(row.name)} aria-label={t('identity.rules.removeOverride')} />
                </Space>
              ))}
              <Button icon={<PlusOutlined />} onClick={() => add({ field: '', rule: 'most_recent' })} data-testid="rules-add-override">
                {t('identity.rules.addOverride')}
              </Button>
            </Space>
          )}
        </Form.List>
      </Form.Item>
    </>
  );
};

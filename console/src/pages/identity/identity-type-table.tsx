import { Form, InputNumber, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { IDENTITY_TYPES, type IdentityType } from '../../api/identity-types';

/** Priority and per-customer limit of each identifier type, edited in place. */
export const IdentityTypeTable = () => {
  const { t } = useTranslation();
  const required = [{ required: true, message: t('common.required') }];
  return (
    <Table<{ type: IdentityType }>
      size="small"
      pagination={false}
      rowKey="type"
      dataSource={IDENTITY_TYPES.map((type) => ({ type }))}
      columns={[
        {
          title: t('identity.rules.type'),
          dataIndex: 'type',
          render: (type: IdentityType) => (
            <>
              {t(`identity.types.${type}`)}{' '}
              <Typography.Text type="secondary" code>
                {type}
              </Typography.Text>
            </>
          ),
        },
        {
          title: t('identity.rules.priority'),
          key: 'priority',
          render: (_: unknown, { type }) => (
            <Form.Item name={['priorities', type]} rules={required} style={{ margin: 0 }}>
              <InputNumber min={0} max={1000} precision={0} data-testid={`rules-priority-${type}`} />
            </Form.Item>
          ),
        },
        {
          title: t('identity.rules.maxPerCustomer'),
          key: 'max',
          render: (_: unknown, { type }) => (
            <Form.Item name={['maxPerCustomer', type]} rules={required} style={{ margin: 0 }}>
              <InputNumber min={1} max={10000} precision={0} data-testid={`rules-max-${type}`} />
            </Form.Item>
          ),
        },
      ]}
    />
  );
};

import { Card, Col, Row, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { CustomerIdentifier } from '../../api/types';
import { formatDateTime } from '../../format/date';

interface AttributeRow {
  key: string;
  value: string;
}

const showValue = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

export const CustomerProfileTables = ({ identifiers, attributes }: { identifiers: CustomerIdentifier[]; attributes: Record<string, unknown> }) => {
  const { t } = useTranslation();
  const identifierType = (type: string) => t(`identifierTypes.${type}`, { defaultValue: type });
  const attributeRows: AttributeRow[] = Object.entries(attributes).map(([key, value]) => ({ key, value: showValue(value) }));

  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} xl={12}>
        <Card title={t('customers.identifiers')} size="small">
          <Table<CustomerIdentifier>
            size="small"
            pagination={false}
            rowKey={(row) => `${row.type}:${row.value}:${row.source}`}
            dataSource={identifiers}
            columns={[
              { title: t('customers.identifierType'), dataIndex: 'type', render: identifierType },
              { title: t('customers.identifierValue'), dataIndex: 'value' },
              { title: t('customers.source'), dataIndex: 'source' },
              { title: t('customers.createdAt'), dataIndex: 'createdAt', render: formatDateTime },
            ]}
          />
        </Card>
      </Col>
      <Col xs={24} xl={12}>
        <Card title={t('customers.attributes')} size="small">
          <Table<AttributeRow>
            size="small"
            pagination={false}
            rowKey="key"
            dataSource={attributeRows}
            columns={[
              { title: t('customers.attributeKey'), dataIndex: 'key' },
              {
                title: t('customers.attributeValue'),
                dataIndex: 'value',
                render: (value: string) => <Typography.Text code>{value}</Typography.Text>,
              },
            ]}
          />
        </Card>
      </Col>
    </Row>
  );
};

import { ArrowLeftOutlined, EditOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Descriptions, Result, Space, Spin, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router-dom';
import { ApiError, api } from '../../api/client';
import type { CustomerDetail } from '../../api/types';
import { useApi } from '../../api/use-api';
import { ErrorAlert } from '../../components/error-alert';
import { formatDateTime } from '../../format/date';
import { useSession } from '../../session/session-context';
import { CustomerFormModal } from './customer-form-modal';
import { CustomerOrdersTable } from './customer-orders-table';
import { CustomerProfileTables } from './customer-profile-tables';
import { CustomerStatsCards } from './customer-stats';

export const CustomerDetailPage = () => {
  const { t } = useTranslation();
  const { can } = useSession();
  const { id = '' } = useParams();
  const [editing, setEditing] = useState(false);
  const { data, error, loading, reload } = useApi(() => api.get<{ customer: CustomerDetail }>(`/api/customers/${encodeURIComponent(id)}`), [id]);

  if (error instanceof ApiError && error.code === 'customers.not_found') {
    return <Result status="404" title="404" subTitle={t('errors.customers.not_found')} />;
  }
  if (loading && !data) return <Spin />;
  if (!data) return <ErrorAlert error={error} />;
  const customer = data.customer;

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Link to="/customers">
        <ArrowLeftOutlined /> {t('customers.backToList')}
      </Link>
      <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center', gap: 16 }}>
        <div>
          <Typography.Title level={3} style={{ margin: 0 }} data-testid="customer-detail-name">
            {customer.displayName}
          </Typography.Title>
          <Typography.Text type="secondary">
            {t('customers.memberNo')}: {customer.memberNo ?? '—'}
          </Typography.Text>
        </div>
        {can('customers:write') && (
          <Button icon={<EditOutlined />} onClick={() => setEditing(true)} data-testid="customer-edit">
            {t('common.edit')}
          </Button>
        )}
      </div>
      {customer.masked && <Alert type="info" showIcon title={t('customers.maskedNotice')} data-testid="customer-masked" />}
      <ErrorAlert error={error} />
      <Card size="small">
        <Descriptions
          column={{ xs: 1, md: 2, xl: 3 }}
          items={[
            { key: 'phone', label: t('customers.phone'), children: customer.phone ?? '—' },
            { key: 'email', label: t('customers.email'), children: customer.email ?? '—' },
            { key: 'source', label: t('customers.source'), children: customer.source },
            { key: 'createdAt', label: t('customers.createdAt'), children: formatDateTime(customer.createdAt) },
            { key: 'updatedAt', label: t('customers.updatedAt'), children: formatDateTime(customer.updatedAt) },
          ]}
        />
      </Card>
      <CustomerStatsCards stats={customer.stats} />
      <CustomerProfileTables identifiers={customer.identifiers} attributes={customer.attributes} />
      <CustomerOrdersTable customerId={customer.id} />
      <CustomerFormModal
        open={editing}
        customer={customer}
        onClose={() => setEditing(false)}
        onSaved={() => {
          setEditing(false);
          reload();
        }}
      />
    </Space>
  );
};

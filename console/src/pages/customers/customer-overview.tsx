import { Card, Descriptions, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import type { GoldenValue } from '../../api/identity-types';
import type { CustomerDetail } from '../../api/types';
import { formatDateTime } from '../../format/date';
import { CustomerGoldenTable } from './customer-golden-table';
import { CustomerProfileTables } from './customer-profile-tables';
import { CustomerStatsCards } from './customer-stats';

interface CustomerOverviewProps {
  customer: CustomerDetail;
  /** Absent while the profile loads or when it failed. */
  golden: GoldenValue[] | undefined;
}

export const CustomerOverview = ({ customer, golden }: CustomerOverviewProps) => {
  const { t } = useTranslation();
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
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
      {golden && <CustomerGoldenTable golden={golden} />}
      <CustomerProfileTables identifiers={customer.identifiers} attributes={customer.attributes} />
    </Space>
  );
};

import { PlusOutlined } from '@ant-design/icons';
import { Alert, Button, Space, Table, type TablePaginationConfig, Typography } from 'antd';
import type { SorterResult } from 'antd/es/table/interface';
import type { HTMLAttributes } from 'react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { api } from '../../api/client';
import { CUSTOMER_SORT_FIELDS, type CustomerListItem, type CustomerPage, type CustomerSortField } from '../../api/types';
import { useApi } from '../../api/use-api';
import { ErrorAlert } from '../../components/error-alert';
import { useSession } from '../../session/session-context';
import { customerColumns } from './customer-columns';
import { CustomerFormModal } from './customer-form-modal';
import { type CustomerListQuery, parseCustomerListQuery, toSearchParams } from './customer-list-query';
import { CustomerSearch } from './customer-search';

const sortFieldOf = (sorter: SorterResult<CustomerListItem>): CustomerSortField | undefined => {
  const key = sorter.columnKey ?? sorter.field;
  return typeof key === 'string' && (CUSTOMER_SORT_FIELDS as readonly string[]).includes(key) ? (key as CustomerSortField) : undefined;
};

export const CustomerListPage = () => {
  const { t } = useTranslation();
  const { can } = useSession();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const query = parseCustomerListQuery(params);
  const [creating, setCreating] = useState(false);
  const queryKey = toSearchParams(query).toString();

  const { data, error, loading } = useApi(() => api.get<CustomerPage>('/api/customers', { ...query }), [queryKey]);

  const update = (next: Partial<CustomerListQuery>) => setParams(toSearchParams({ ...query, ...next }));

  const onTableChange = (pagination: TablePaginationConfig, _filters: unknown, sorter: SorterResult<CustomerListItem> | SorterResult<CustomerListItem>[]) => {
    const single = Array.isArray(sorter) ? sorter[0] : sorter;
    const field = single?.order ? sortFieldOf(single) : undefined;
    const sortChanged = field !== query.sort || (field && (single?.order === 'ascend' ? 'asc' : 'desc') !== query.order);
    update({
      page: sortChanged ? 1 : (pagination.current ?? 1),
      pageSize: pagination.pageSize ?? query.pageSize,
      sort: field,
      order: field ? (single?.order === 'ascend' ? 'asc' : 'desc') : undefined,
    });
  };

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center', gap: 16 }}>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('customers.title')}
        </Typography.Title>
        {can('customers:write') && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="customer-create">
            {t('customers.create')}
          </Button>
        )}
      </div>
      <CustomerSearch value={query.q} onSearch={(q) => update({ q, page: 1 })} />
      {data?.masked && <Alert type="info" showIcon title={t('customers.maskedNotice')} data-testid="customer-masked" />}
      <ErrorAlert error={error} />
      <Table<CustomerListItem>
        rowKey="id"
        size="middle"
        loading={loading}
        columns={customerColumns(t, query)}
        dataSource={data?.items ?? []}
        onChange={onTableChange}
        onRow={(row) =>
          ({
            'data-testid': `customer-row-${row.id}`,
            style: { cursor: 'pointer' },
            onClick: () => navigate(`/customers/${encodeURIComponent(row.id)}`),
          }) as HTMLAttributes<HTMLElement>
        }
        pagination={{
          current: query.page,
          pageSize: query.pageSize,
          total: data?.total ?? 0,
          showSizeChanger: true,
          showTotal: (total) => t(data?.totalCapped ? 'common.totalCapped' : 'common.total', { count: total }),
        }}
        scroll={{ x: 'max-content' }}
      />
      <CustomerFormModal
        open={creating}
        onClose={() => setCreating(false)}
        onSaved={(customer) => {
          setCreating(false);
          navigate(`/customers/${encodeURIComponent(customer.id)}`);
        }}
      />
    </Space>
  );
};

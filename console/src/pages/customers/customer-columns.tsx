import type { TableColumnsType } from 'antd';
import type { SortOrder as AntSortOrder } from 'antd/es/table/interface';
import type { TFunction } from 'i18next';
import { Link } from 'react-router-dom';
import type { CustomerListItem, CustomerSortField } from '../../api/types';
import { formatDateTime } from '../../format/date';
import { formatFen } from '../../format/money';
import type { CustomerListQuery } from './customer-list-query';
import { CustomerNameText } from './customer-name-text';

const sortOrderFor = (query: CustomerListQuery, field: CustomerSortField): AntSortOrder =>
  query.sort === field ? (query.order === 'asc' ? 'ascend' : 'descend') : null;

export const customerColumns = (t: TFunction, query: CustomerListQuery): TableColumnsType<CustomerListItem> => {
  const sortable = (field: CustomerSortField) => ({
    key: field,
    sorter: true,
    sortOrder: sortOrderFor(query, field),
    sortDirections: ['descend', 'ascend'] as AntSortOrder[],
  });

  return [
    {
      title: t('customers.displayName'),
      dataIndex: 'displayName',
      ...sortable('displayName'),
      render: (_: string, row) => (
        <Link to={`/customers/${encodeURIComponent(row.id)}`} data-testid="customer-link" onClick={(e) => e.stopPropagation()}>
          <CustomerNameText customer={row} />
        </Link>
      ),
    },
    { title: t('customers.phone'), dataIndex: 'phone', key: 'phone', render: (v: string | null) => v ?? '—' },
    { title: t('customers.email'), dataIndex: 'email', key: 'email', render: (v: string | null) => v ?? '—' },
    { title: t('customers.memberNo'), dataIndex: 'memberNo', key: 'memberNo', render: (v: string | null) => v ?? '—' },
    { title: t('customers.orderCount'), dataIndex: 'orderCount', align: 'right', ...sortable('orderCount') },
    {
      title: t('customers.totalSpent'),
      dataIndex: 'totalSpentFen',
      align: 'right',
      ...sortable('totalSpentFen'),
      render: (fen: number) => formatFen(fen),
    },
    { title: t('customers.lastOrderAt'), dataIndex: 'lastOrderAt', ...sortable('lastOrderAt'), render: formatDateTime },
    { title: t('customers.createdAt'), dataIndex: 'createdAt', ...sortable('createdAt'), render: formatDateTime },
  ];
};

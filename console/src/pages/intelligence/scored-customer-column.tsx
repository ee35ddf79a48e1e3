import type { TableColumnType } from 'antd';
import type { TFunction } from 'i18next';
import { Link } from 'react-router-dom';
import { CustomerNameText } from '../customers/customer-name-text';

/** The customer column of the scoring lists: the name (masked or not, as sent), linked to the 360° page's scores tab. */
export const scoredCustomerColumn = <T extends { customerId: string; displayName: string }>(t: TFunction, linkTestId?: string): TableColumnType<T> => ({
  title: t('scoring.customer'),
  dataIndex: 'displayName',
  render: (name: string, row: T) => (
    <Link to={`/customers/${encodeURIComponent(row.customerId)}?tab=scores`} data-testid={linkTestId}>
      <CustomerNameText customer={{ id: row.customerId, displayName: name }} />
    </Link>
  ),
});

import { CUSTOMER_SORT_FIELDS, type CustomerSortField, type SortOrder } from '../../api/types';

export interface CustomerListQuery {
  q: string;
  page: number;
  pageSize: number;
  sort?: CustomerSortField;
  order?: SortOrder;
}

const positive = (value: string | null, fallback: number): number => {
  const n = Number(value);
  return Number.isInteger(n) && n > 0 ? n : fallback;
};

const isSortField = (value: string | null): value is CustomerSortField => value !== null && (CUSTOMER_SORT_FIELDS as readonly string[]).includes(value);

/** The list state lives in the URL so back/refresh restores it. */
export const parseCustomerListQuery = (params: URLSearchParams): CustomerListQuery => {
  const sort = params.get('sort');
  const order = params.get('order');
  return {
    q: params.get('q') ?? '',
    page: positive(params.get('page'), 1),
    pageSize: Math.min(positive(params.get('pageSize'), 20), 200),
    sort: isSortField(sort) ? sort : undefined,
    order: isSortField(sort) ? (order === 'asc' ? 'asc' : 'desc') : undefined,
  };
};

export const toSearchParams = (query: CustomerListQuery): URLSearchParams => {
  const params = new URLSearchParams();
  if (query.q) params.set('q', query.q);
  if (query.page !== 1) params.set('page', String(query.page));
  if (query.pageSize !== 20) params.set('pageSize', String(query.pageSize));
  if (query.sort) {
    params.set('sort', query.sort);
    params.set('order', query.order ?? 'desc');
  }
  return params;
};

import { Table, type TableProps } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Page } from '../api/types';
import type { PagedApiState } from '../api/use-paged-api';
import { ErrorAlert } from './error-alert';

type ServerPagedTableProps<T> = Omit<TableProps<T>, 'dataSource' | 'loading' | 'pagination' | 'onChange'> & {
  list: PagedApiState<Page<T>>;
  showSizeChanger?: boolean;
};

/**
 * An antd table over one page of a server-paged list (usePagedApi): its error above it, loading, the total
 * and "N in total"; a new page size starts again at page 1.
 */
export const ServerPagedTable = <T extends object>({ list, showSizeChanger, ...table }: ServerPagedTableProps<T>) => {
  const { t } = useTranslation();
  const { paging, setPaging } = list;
  return (
    <>
      <ErrorAlert error={list.error} />
      <Table<T>
        {...table}
        loading={list.loading}
        dataSource={list.data?.items ?? []}
        pagination={{
          current: paging.page,
          pageSize: paging.pageSize,
          total: list.data?.total ?? 0,
          showSizeChanger,
          showTotal: (count) => t('common.total', { count }),
          onChange: (page, pageSize) => setPaging({ page: pageSize === paging.pageSize ? page : 1, pageSize }),
        }}
      />
    </>
  );
};

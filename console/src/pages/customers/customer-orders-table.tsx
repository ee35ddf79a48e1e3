import { Card, Table, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import type { Order, OrderLine, OrderStatus, Page } from '../../api/types';
import { useApi } from '../../api/use-api';
import { ErrorAlert } from '../../components/error-alert';
import { formatDateTime } from '../../format/date';
import { formatFen } from '../../format/money';

const statusColor: Record<OrderStatus, string> = {
  paid: 'blue',
  fulfilled: 'green',
  cancelled: 'default',
  refunded: 'red',
  partially_refunded: 'orange',
};

const OrderLines = ({ lines }: { lines: OrderLine[] }) => {
  const { t } = useTranslation();
  return (
    <Table<OrderLine>
      size="small"
      pagination={false}
      rowKey="lineNo"
      dataSource={lines}
      columns={[
        { title: t('orders.lineNo'), dataIndex: 'lineNo', width: 64 },
        { title: t('orders.sku'), dataIndex: 'sku' },
        { title: t('orders.name'), dataIndex: 'name' },
        { title: t('orders.quantity'), dataIndex: 'quantity', align: 'right' },
        { title: t('orders.unitPrice'), dataIndex: 'unitPriceFen', align: 'right', render: formatFen },
        { title: t('orders.amount'), dataIndex: 'amountFen', align: 'right', render: formatFen },
      ]}
    />
  );
};

export const CustomerOrdersTable = ({ customerId }: { customerId: string }) => {
  const { t } = useTranslation();
  const [paging, setPaging] = useState({ page: 1, pageSize: 20 });
  const { data, error, loading } = useApi(
    () => api.get<Page<Order>>(`/api/customers/${encodeURIComponent(customerId)}/orders`, paging),
    [customerId, paging.page, paging.pageSize],
  );

  return (
    <Card title={t('orders.title')} size="small">
      <ErrorAlert error={error} />
      <Table<Order>
        size="small"
        rowKey="id"
        loading={loading}
        dataSource={data?.items ?? []}
        expandable={{ expandedRowRender: (order) => <OrderLines lines={order.lines} /> }}
        onChange={(pagination) => setPaging({ page: pagination.current ?? 1, pageSize: pagination.pageSize ?? paging.pageSize })}
        pagination={{
          current: paging.page,
          pageSize: paging.pageSize,
          total: data?.total ?? 0,
          showSizeChanger: true,
          showTotal: (total) => t('common.total', { count: total }),
        }}
        scroll={{ x: 'max-content' }}
        columns={[
          { title: t('orders.externalId'), dataIndex: 'externalId' },
          { title: t('orders.source'), dataIndex: 'source' },
          {
            title: t('orders.status'),
            dataIndex: 'status',
            render: (status: OrderStatus) => <Tag color={statusColor[status] ?? 'default'}>{t(`orderStatus.${status}`, { defaultValue: status })}</Tag>,
          },
          { title: t('orders.total'), dataIndex: 'totalFen', align: 'right', render: formatFen },
          { title: t('orders.refunded'), dataIndex: 'refundedFen', align: 'right', render: formatFen },
          { title: t('orders.placedAt'), dataIndex: 'placedAt', render: formatDateTime },
        ]}
      />
    </Card>
  );
};

import { Card, Table, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import type { Order, OrderLine, OrderStatus, Page } from '../../api/types';
import { usePagedApi } from '../../api/use-paged-api';
import { ServerPagedTable } from '../../components/server-paged-table';
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
  const list = usePagedApi((paging) => api.get<Page<Order>>(`/api/customers/${encodeURIComponent(customerId)}/orders`, paging), [customerId]);

  return (
    <Card title={t('orders.title')} size="small">
      <ServerPagedTable<Order>
        list={list}
        showSizeChanger
        size="small"
        rowKey="id"
        expandable={{ expandedRowRender: (order) => <OrderLines lines={order.lines} /> }}
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

import { Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { tierLabel } from './tier-scheme-labels';
import type { SegmentationRun } from './value-dashboard-types';

type Row = { key: string; from: string; cells: Record<string, number>; total: number };

/** From-tier (before the last run) × to-tier (after it): how many customers moved where. */
export const TierMovementTable = ({ run }: { run: SegmentationRun }) => {
  const { t } = useTranslation();
  const toTiers = [...new Set(run.summary.movement.map((m) => m.toTier))];
  const rows = new Map<string, Row>();
  for (const m of run.summary.movement) {
    const key = `${m.fromSchemeId ?? ''}:${m.fromTier ?? ''}`;
    const from = m.fromTier ? tierLabel(t, m.fromSchemeId, m.fromTier) : t('segmentation.dashboard.noPreviousTier');
    const row = rows.get(key) ?? { key, from, cells: {}, total: 0 };
    row.cells[m.toTier] = (row.cells[m.toTier] ?? 0) + m.customers;
    row.total += m.customers;
    rows.set(key, row);
  }
  const columns = [
    { title: t('segmentation.dashboard.fromTier'), dataIndex: 'from', key: 'from' },
    ...toTiers.map((tier) => ({
      title: tierLabel(t, run.schemeId, tier),
      key: tier,
      align: 'right' as const,
      render: (_: unknown, row: Row) => {
        const n = row.cells[tier] ?? 0;
        const same = row.key === `${run.schemeId}:${tier}`;
        return n === 0 ? <Typography.Text type="secondary">0</Typography.Text> : <Typography.Text strong={!same}>{n.toLocaleString()}</Typography.Text>;
      },
    })),
    { title: t('segmentation.dashboard.total'), dataIndex: 'total', key: 'total', align: 'right' as const, render: (n: number) => n.toLocaleString() },
  ];
  return (
    <Table<Row>
      size="small"
      rowKey="key"
      pagination={false}
      columns={columns}
      dataSource={[...rows.values()]}
      data-testid="tier-movement"
      footer={() => t('segmentation.dashboard.movementHelp', { changes: run.tierChanges.toLocaleString() })}
    />
  );
};

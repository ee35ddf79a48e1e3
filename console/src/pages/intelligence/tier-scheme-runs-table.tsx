import { Table } from 'antd';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../format/date';
import { schemeLabel } from './tier-scheme-labels';
import type { SegmentationRun } from './value-dashboard-types';

export const TierSchemeRunsTable = ({ runs, loading }: { runs: SegmentationRun[]; loading: boolean }) => {
  const { t } = useTranslation();
  const seconds = (r: SegmentationRun) => ((new Date(r.finishedAt).getTime() - new Date(r.startedAt).getTime()) / 1000).toFixed(1);
  return (
    <Table<SegmentationRun>
      size="small"
      rowKey="id"
      loading={loading}
      pagination={false}
      dataSource={runs}
      data-testid="segmentation-runs"
      columns={[
        { title: t('segmentation.dashboard.asOf'), key: 'asOf', render: (_, r) => formatDateTime(r.asOf) },
        { title: t('segmentation.dashboard.scheme'), key: 'scheme', render: (_, r) => schemeLabel(t, r.schemeId) },
        { title: t('segmentation.dashboard.trigger'), key: 'trigger', render: (_, r) => t(`segmentation.triggers.${r.trigger}`) },
        { title: t('segmentation.dashboard.customers'), key: 'customers', align: 'right', render: (_, r) => r.customers.toLocaleString() },
        { title: t('segmentation.dashboard.tierChanges'), key: 'tierChanges', align: 'right', render: (_, r) => r.tierChanges.toLocaleString() },
        { title: t('segmentation.dashboard.stageChanges'), key: 'stageChanges', align: 'right', render: (_, r) => r.stageChanges.toLocaleString() },
        { title: t('segmentation.dashboard.seconds'), key: 'seconds', align: 'right', render: (_, r) => seconds(r) },
      ]}
    />
  );
};

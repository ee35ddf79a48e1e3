import { BarChart, FunnelChart, HeatmapChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent, VisualMapComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import ReactEChartsCore from 'echarts-for-react/esm/core';
import { useTranslation } from 'react-i18next';
import { formatFen } from '../../format/money';
import { tierLabel } from './tier-scheme-labels';
import { LIFECYCLE_STAGES, PRESET_TIERS, type SchemePreset, type SegmentationRun } from './value-dashboard-types';

echarts.use([BarChart, FunnelChart, HeatmapChart, GridComponent, LegendComponent, TooltipComponent, VisualMapComponent, CanvasRenderer]);

const tiersOf = (run: SegmentationRun): string[] => {
  const preset = PRESET_TIERS[run.scheme.preset as SchemePreset] ?? [];
  const seen = run.summary.tiers.map((t) => t.tier);
  return [...new Set([...preset, ...seen])];
};

const countOf = (run: SegmentationRun | null, tier: string) => run?.summary.tiers.find((t) => t.tier === tier)?.customers ?? 0;

/** Customers per tier in the last run, next to the run before it (same scheme only). */
export const TierDistributionChart = ({ latest, previous }: { latest: SegmentationRun; previous: SegmentationRun | null }) => {
  const { t, i18n } = useTranslation();
  const tiers = tiersOf(latest);
  const comparable = previous && previous.schemeId === latest.schemeId ? previous : null;
  const series = [
    ...(comparable ? [{ name: t('segmentation.dashboard.previousRun'), type: 'bar', data: tiers.map((tier) => countOf(comparable, tier)) }] : []),
    { name: t('segmentation.dashboard.latestRun'), type: 'bar', data: tiers.map((tier) => countOf(latest, tier)), label: { show: true, position: 'top' } },
  ];
  const option = {
    tooltip: { trigger: 'axis' },
    legend: { data: series.map((s) => s.name), top: 0, right: 0 },
    grid: { left: 64, right: 24, top: 56, bottom: 32 },
    xAxis: { type: 'category', data: tiers.map((tier) => tierLabel(t, latest.schemeId, tier)) },
    yAxis: { type: 'value', name: t('segmentation.dashboard.customers') },
    series,
  };
  return <ReactEChartsCore key={i18n.language} echarts={echarts} option={option} notMerge style={{ height: 320 }} />;
};

/** R (rows, 1 = most recent) × F (columns, 1 = most orders): average monetary per cell, customers in the tooltip. */
export const RfmHeatmap = ({ run }: { run: SegmentationRun }) => {
  const { t, i18n } = useTranslation();
  const buckets = run.settings.rfm.buckets;
  const scores = Array.from({ length: buckets }, (_, i) => String(i + 1));
  const cells = run.summary.heatmap;
  const max = Math.max(1, ...cells.map((c) => c.avgMonetaryFen / 100));
  const option = {
    tooltip: {
      formatter: (p: { data?: [number, number, number, number] }) => {
        const [f, r, value, customers] = p.data ?? [0, 0, 0, 0];
        return [
          `R ${r + 1} × F ${f + 1}`,
          t('segmentation.dashboard.heatmapCustomers', { count: customers }),
          t('segmentation.dashboard.heatmapMonetary', { amount: formatFen(Math.round(value * 100)) }),
        ].join('<br/>');
      },
    },
    grid: { left: 72, right: 96, top: 16, bottom: 48 },
    xAxis: { type: 'category', data: scores, name: t('segmentation.dashboard.frequencyAxis'), nameLocation: 'middle', nameGap: 28, splitArea: { show: true } },
    yAxis: {
      type: 'category',
      data: scores,
      name: t('segmentation.dashboard.recencyAxis'),
      nameLocation: 'middle',
      nameGap: 40,
      inverse: true,
      splitArea: { show: true },
    },
    // Colour by average monetary (dimension 2), not by the customer count the cells also carry.
    visualMap: {
      dimension: 2,
      min: 0,
      max,
      calculable: true,
      orient: 'vertical',
      right: 0,
      top: 'middle',
      formatter: (v: number) => `¥${Math.round(v).toLocaleString('en-US')}`,
      inRange: { color: ['#e6f4ff', '#69b1ff', '#0958d9', '#002c8c'] },
    },
    series: [
      {
        type: 'heatmap',
        data: cells.map((c) => [c.f - 1, c.r - 1, Math.round(c.avgMonetaryFen) / 100, c.customers]),
        label: { show: true, textBorderColor: '#fff', textBorderWidth: 2, formatter: (p: { data: [number, number, number, number] }) => `${p.data[3]}` },
        emphasis: { itemStyle: { borderColor: '#333', borderWidth: 1 } },
      },
    ],
  };
  return <ReactEChartsCore key={i18n.language} echarts={echarts} option={option} notMerge style={{ height: 360 }} />;
};

export const LifecycleFunnel = ({ run }: { run: SegmentationRun }) => {
  const { t, i18n } = useTranslation();
  const data = LIFECYCLE_STAGES.map((stage) => ({
    name: t(`segmentation.stages.${stage}`),
    value: run.summary.stages.find((s) => s.stage === stage)?.customers ?? 0,
  }));
  const option = {
    tooltip: { trigger: 'item', formatter: '{b}: {c}' },
    series: [{ type: 'funnel', sort: 'none', left: '8%', width: '62%', top: 16, bottom: 16, gap: 2, label: { show: true, formatter: '{b}: {c}' }, data }],
  };
  return <ReactEChartsCore key={i18n.language} echarts={echarts} option={option} notMerge style={{ height: 320 }} />;
};

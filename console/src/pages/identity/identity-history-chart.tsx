import { LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import ReactEChartsCore from 'echarts-for-react/esm/core';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../format/date';

echarts.use([LineChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

export interface IdentityMeasurementPoint {
  measuredAt: string;
  linkRate: number;
  duplicateRate: number;
  customers: number;
}

/** The link rate and the duplicate rate as measured over time (e.g. before and after unification). */
export const IdentityHistoryChart = ({ points }: { points: IdentityMeasurementPoint[] }) => {
  const { t, i18n } = useTranslation();
  const link = t('identity.metrics.linkRate');
  const duplicates = t('identity.metrics.duplicateRate');
  const pct = (x: number) => Number((x * 100).toFixed(1));
  const option = {
    tooltip: {
      trigger: 'axis',
      valueFormatter: (v: number) => `${v.toFixed(1)}%`,
      axisPointer: { label: { formatter: ({ value }: { value: number }) => formatDateTime(new Date(value).toISOString()) } },
    },
    legend: { top: 0, right: 0, data: [link, duplicates] },
    grid: { left: 48, right: 24, top: 40, bottom: 40 },
    // Measurements come hourly and after events (imports, new rules): a time axis spaces them as they were taken.
    xAxis: { type: 'time', axisLabel: { hideOverlap: true } },
    yAxis: { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value}%' } },
    series: [
      { name: link, type: 'line', showSymbol: points.length < 50, data: points.map((p) => [p.measuredAt, pct(p.linkRate)]) },
      { name: duplicates, type: 'line', showSymbol: points.length < 50, data: points.map((p) => [p.measuredAt, pct(p.duplicateRate)]) },
    ],
  };
  return <ReactEChartsCore key={i18n.language} echarts={echarts} option={option} notMerge style={{ height: 260 }} />;
};

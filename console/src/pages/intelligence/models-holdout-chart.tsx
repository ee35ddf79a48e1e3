import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import ReactEChartsCore from 'echarts-for-react/esm/core';
import { useTranslation } from 'react-i18next';
import type { HoldoutBucket } from './models-types';

echarts.use([BarChart, LineChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

/** Mean purchases in the holdout period, predicted vs actual, by purchases made in calibration (as lifetimes plots it). */
export const ModelsHoldoutChart = ({ buckets }: { buckets: HoldoutBucket[] }) => {
  const { t, i18n } = useTranslation();
  const actual = t('scoring.holdoutActual');
  const predicted = t('scoring.holdoutPredicted');
  const option = {
    tooltip: { trigger: 'axis', valueFormatter: (v: number) => v.toFixed(2) },
    legend: { top: 0, right: 0, data: [actual, predicted] },
    grid: { left: 56, right: 24, top: 48, bottom: 48 },
    xAxis: { type: 'category', name: t('scoring.holdoutAxisX'), nameLocation: 'middle', nameGap: 30, data: buckets.map((b) => b.frequency) },
    yAxis: { type: 'value', name: t('scoring.holdoutAxisY') },
    series: [
      { name: actual, type: 'bar', data: buckets.map((b) => Number(b.actual.toFixed(3))) },
      { name: predicted, type: 'line', data: buckets.map((b) => Number(b.predicted.toFixed(3))) },
    ],
  };
  return <ReactEChartsCore key={i18n.language} echarts={echarts} option={option} notMerge style={{ height: 320 }} />;
};

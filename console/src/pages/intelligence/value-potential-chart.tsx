import { ScatterChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import ReactEChartsCore from 'echarts-for-react/esm/core';
import { useTranslation } from 'react-i18next';
import { formatFen } from '../../format/money';
import { QUADRANTS, type Quadrant, type ValuePotentialOverview } from './models-types';

echarts.use([ScatterChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

export const QUADRANT_COLORS: Record<Quadrant, string> = {
  high_value_high_potential: '#1677ff',
  high_potential_mid_spend: '#52c41a',
  high_potential_low_spend: '#13c2c2',
  high_value_low_potential: '#fa8c16',
  low_value_low_potential: '#bfbfbf',
};

type Point = { value: [number, number, number] };

/** Current value (last 12 months) against predicted value (12-month CLV), both in yuan on log scales. */
export const ValuePotentialChart = ({ sample }: { sample: ValuePotentialOverview['sample'] }) => {
  const { t, i18n } = useTranslation();
  const option = {
    tooltip: {
      formatter: (p: { seriesName?: string; value?: [number, number, number] }) => {
        const [x, y, index] = p.value ?? [0, 0, 0];
        return [
          p.seriesName ?? '',
          `${t('scoring.value12m')}: ${formatFen(Math.round(x * 100))}`,
          `${t('scoring.clv12m')}: ${formatFen(Math.round(y * 100))}`,
          `${t('scoring.potentialIndex')}: ${index}`,
        ].join('<br/>');
      },
    },
    legend: { top: 0, data: QUADRANTS.map((q) => t(`scoring.quadrants.${q}`)) },
    grid: { left: 72, right: 32, top: 64, bottom: 48 },
    xAxis: { type: 'log', name: t('scoring.value12mAxis'), nameLocation: 'middle', nameGap: 30, min: 1, axisLabel: { formatter: '¥{value}' } },
    yAxis: { type: 'log', name: t('scoring.clv12mAxis'), min: 1, axisLabel: { formatter: '¥{value}' } },
    series: QUADRANTS.map((q) => ({
      name: t(`scoring.quadrants.${q}`),
      type: 'scatter',
      symbolSize: 6,
      itemStyle: { color: QUADRANT_COLORS[q], opacity: 0.7 },
      // Zero spend cannot sit on a log axis: it is drawn at ¥1.
      data: sample
        .filter((s) => s.quadrant === q)
        .map((s): Point => ({ value: [Math.max(1, s.value12mFen / 100), Math.max(1, s.clv12mFen / 100), s.potentialIndex] })),
    })),
  };
  return <ReactEChartsCore key={i18n.language} echarts={echarts} option={option} notMerge style={{ height: 420 }} />;
};

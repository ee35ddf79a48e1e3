import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import ReactEChartsCore from 'echarts-for-react/esm/core';
import { useTranslation } from 'react-i18next';
import type { MonthlyPoint } from '../../api/types';
import { formatFen } from '../../format/money';

echarts.use([BarChart, LineChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

interface TooltipParam {
  seriesIndex?: number;
  seriesName?: string;
  marker?: string;
  value?: unknown;
  axisValueLabel?: string;
}

export const MonthlyChart = ({ monthly }: { monthly: MonthlyPoint[] }) => {
  const { t, i18n } = useTranslation();
  const revenueName = t('dashboard.chartRevenue');
  const ordersName = t('dashboard.chartOrders');

  const option = {
    tooltip: {
      trigger: 'axis',
      formatter: (params: TooltipParam | TooltipParam[]) => {
        const list = Array.isArray(params) ? params : [params];
        const lines = list.map((p) => {
          const value = Number(p.value ?? 0);
          const shown = p.seriesIndex === 0 ? formatFen(value * 100) : value.toLocaleString();
          return `${p.marker ?? ''}${p.seriesName ?? ''}: ${shown}`;
        });
        return [list[0]?.axisValueLabel ?? '', ...lines].join('<br/>');
      },
    },
    legend: { data: [revenueName, ordersName] },
    grid: { left: 72, right: 56, top: 48, bottom: 32 },
    xAxis: { type: 'category', data: monthly.map((m) => m.month) },
    yAxis: [
      { type: 'value', name: t('dashboard.chartRevenueAxis'), axisLabel: { formatter: '¥{value}' } },
      { type: 'value', name: t('dashboard.chartOrdersAxis'), splitLine: { show: false } },
    ],
    series: [
      { name: revenueName, type: 'bar', yAxisIndex: 0, data: monthly.map((m) => m.revenueFen / 100) },
      { name: ordersName, type: 'line', yAxisIndex: 1, smooth: true, data: monthly.map((m) => m.orders) },
    ],
  };

  return (
    <ReactEChartsCore
      // A new key per language rebuilds the chart so legend and axis names switch cleanly.
      key={i18n.language}
      echarts={echarts}
      option={option}
      notMerge
      style={{ height: 360 }}
    />
  );
};

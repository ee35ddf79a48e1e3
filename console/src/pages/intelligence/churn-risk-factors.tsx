import { ArrowDownOutlined, ArrowUpOutlined } from '@ant-design/icons';
import { Space, Typography } from 'antd';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { formatFen, formatPercent } from '../../format/money';
import type { ChurnFactor } from './models-types';

/** A factor's value in the reader's words: days, yuan, a share, a count. */
export const factorValue = (t: TFunction, factor: ChurnFactor): string => {
  const v = factor.value;
  if (v === null) return t('scoring.factorUnknown');
  switch (factor.feature) {
    case 'recency_days':
    case 'tenure_days':
      return t('scoring.days', { count: Math.round(v) });
    case 'spend_365d_yuan':
      return formatFen(Math.round(v * 100));
    case 'refund_rate':
      return formatPercent(v);
    case 'overdue_ratio':
      return t('scoring.times', { value: v.toFixed(1) });
    case 'trend_90d':
      return v > 0 ? `+${v}` : String(v);
    default:
      return String(v);
  }
};

/** "Days since the last purchase: 120 days — raises the risk", one line per factor. */
export const ChurnFactors = ({ factors, compact = false }: { factors: ChurnFactor[]; compact?: boolean }) => {
  const { t } = useTranslation();
  return (
    <Space orientation="vertical" size={compact ? 0 : 4} data-testid="churn-factors">
      {factors.map((f) => {
        const raises = f.contribution > 0;
        return (
          <Typography.Text key={f.feature} type={raises ? 'danger' : 'success'} style={compact ? { fontSize: 12 } : undefined}>
            {raises ? <ArrowUpOutlined /> : <ArrowDownOutlined />}{' '}
            {t('scoring.factorLine', {
              label: t(`scoring.features.${f.feature}`, { defaultValue: f.feature }),
              value: factorValue(t, f),
              effect: t(raises ? 'scoring.raises' : 'scoring.lowers'),
            })}
          </Typography.Text>
        );
      })}
    </Space>
  );
};

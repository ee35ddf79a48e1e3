import { Alert, Card, Select, Slider, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { useApi } from '../../api/use-api';
import { usePagedApi } from '../../api/use-paged-api';
import { ServerPagedTable } from '../../components/server-paged-table';
import { formatDateTime } from '../../format/date';
import { formatFen, formatPercent } from '../../format/money';
import { ChurnFactors } from './churn-risk-factors';
import type { ChurnRiskItem, ChurnRiskResult } from './models-types';
import { scoredCustomerColumn } from './scored-customer-column';

type Sort = 'priority' | 'risk' | 'value';

export const riskColor = (risk: number) => (risk >= 0.7 ? 'red' : risk >= 0.4 ? 'orange' : 'green');

/** Customers most worth keeping first: churn risk × the money they spent in the last 12 months. */
export const ChurnRiskPage = () => {
  const { t } = useTranslation();
  const [minRisk, setMinRisk] = useState(0);
  const [sort, setSort] = useState<Sort>('priority');
  const [tier, setTier] = useState<string>();
  const list = usePagedApi(
    (paging) => api.get<ChurnRiskResult>('/api/intelligence/churn-risk', { ...paging, sort, tier, minRisk: minRisk > 0 ? minRisk : undefined }),
    [sort, tier, minRisk],
  );
  const tiers = useApi(() => api.get<{ items: { tier: string; customers: number }[] }>('/api/intelligence/churn-risk/tiers'), []);

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={3} style={{ margin: 0 }}>
        {t('scoring.churnTitle')}
      </Typography.Title>
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
        {t('scoring.churnIntro')}
      </Typography.Paragraph>
      {list.data?.masked && <Alert type="info" showIcon title={t('customers.maskedNotice')} />}
      <Card size="small">
        <Space wrap size="large">
          <Space>
            {t('scoring.minRisk')}
            <Slider
              style={{ width: 180 }}
              min={0}
              max={0.95}
              step={0.05}
              value={minRisk}
              tooltip={{ formatter: (v) => formatPercent(v ?? 0) }}
              onChangeComplete={(v) => {
                setMinRisk(v);
                list.firstPage();
              }}
              onChange={setMinRisk}
              data-testid="churn-min-risk"
            />
          </Space>
          <Space>
            {t('scoring.tier')}
            <Select
              allowClear
              style={{ width: 200 }}
              placeholder={t('scoring.allTiers')}
              value={tier}
              onChange={(v) => {
                setTier(v);
                list.firstPage();
              }}
              options={(tiers.data?.items ?? []).map((i) => ({
                value: i.tier,
                label: `${t(`scoring.tiers.${i.tier}`, { defaultValue: i.tier })} (${i.customers})`,
              }))}
              data-testid="churn-tier"
            />
          </Space>
          <Space>
            {t('scoring.sortBy')}
            <Select
              style={{ width: 200 }}
              value={sort}
              onChange={(v) => {
                setSort(v);
                list.firstPage();
              }}
              options={(['priority', 'risk', 'value'] as const).map((s) => ({ value: s, label: t(`scoring.sorts.${s}`) }))}
              data-testid="churn-sort"
            />
          </Space>
        </Space>
      </Card>
      <ServerPagedTable<ChurnRiskItem>
        list={list}
        showSizeChanger
        rowKey="customerId"
        data-testid="churn-table"
        columns={[
          scoredCustomerColumn<ChurnRiskItem>(t, 'churn-customer-link'),
          {
            title: t('scoring.risk'),
            dataIndex: 'risk',
            align: 'right',
            render: (risk: number) => <Tag color={riskColor(risk)}>{formatPercent(risk)}</Tag>,
          },
          { title: t('scoring.value12m'), dataIndex: 'value12mFen', align: 'right', render: (v: number) => formatFen(v) },
          { title: t('scoring.atStake'), dataIndex: 'priority', align: 'right', render: (v: number) => formatFen(Math.round(v)) },
          { title: t('scoring.clv12m'), dataIndex: 'clv12mFen', align: 'right', render: (v: number | null) => formatFen(v) },
          { title: t('scoring.tier'), dataIndex: 'tier', render: (v: string | null) => (v ? t(`scoring.tiers.${v}`, { defaultValue: v }) : '—') },
          { title: t('scoring.why'), dataIndex: 'factors', render: (_: unknown, row) => <ChurnFactors factors={row.factors} compact /> },
          { title: t('scoring.scoredAt'), dataIndex: 'scoredAt', render: (v: string) => formatDateTime(v) },
        ]}
      />
    </Space>
  );
};

import { Card, Col, Row, Statistic, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { IdentityMetrics } from '../../api/identity-types';
import { formatPercent } from '../../format/money';

/** The seed target for the link rate, shown beside it as a reference. */
export const LINK_RATE_TARGET = 0.95;

interface Kpi {
  key: string;
  title: string;
  value: string | number;
  /** A short line under the value (counts behind a rate, a target). */
  note?: string;
  color?: string;
  /** What the figure means; shown on the identity page only. */
  explanation: string;
}

interface IdentityMetricsCardsProps {
  metrics: IdentityMetrics;
  /** Adds the detailed figures and a sentence explaining each one. */
  explain?: boolean;
}

export const IdentityMetricsCards = ({ metrics, explain = false }: IdentityMetricsCardsProps) => {
  const { t } = useTranslation();
  const { linkRate, duplicateRate, merges } = metrics;
  const kpis: Kpi[] = [
    {
      key: 'link-rate',
      title: t('identity.metrics.linkRate'),
      value: formatPercent(linkRate.rate),
      note: t('identity.metrics.linkRateNote', { linked: linkRate.linked, total: linkRate.total, target: formatPercent(LINK_RATE_TARGET) }),
      color: linkRate.total === 0 ? undefined : linkRate.rate >= LINK_RATE_TARGET ? '#389e0d' : '#d46b08',
      explanation: t('identity.metrics.linkRateHelp'),
    },
    {
      key: 'duplicate-rate',
      title: t('identity.metrics.duplicateRate'),
      value: formatPercent(duplicateRate.rate),
      note: t('identity.metrics.duplicateRateNote', { duplicates: duplicateRate.duplicates, customers: duplicateRate.customers }),
      explanation: t('identity.metrics.duplicateRateHelp'),
    },
    { key: 'merged-records', title: t('identity.metrics.mergedRecords'), value: metrics.mergedRecords, explanation: t('identity.metrics.mergedRecordsHelp') },
    { key: 'quarantined', title: t('identity.metrics.quarantined'), value: metrics.quarantined, explanation: t('identity.metrics.quarantinedHelp') },
  ];
  if (explain) {
    kpis.push(
      {
        key: 'linked-events',
        title: t('identity.metrics.linkedEvents'),
        value: `${linkRate.events.linked} / ${linkRate.events.total}`,
        explanation: t('identity.metrics.linkedEventsHelp'),
      },
      {
        key: 'linked-orders',
        title: t('identity.metrics.linkedOrders'),
        value: `${linkRate.orders.linked} / ${linkRate.orders.total}`,
        explanation: t('identity.metrics.linkedOrdersHelp'),
      },
      { key: 'conflicted', title: t('identity.metrics.conflicted'), value: duplicateRate.conflicted, explanation: t('identity.metrics.conflictedHelp') },
      {
        key: 'merges',
        title: t('identity.metrics.merges'),
        value: merges.total,
        note: t('identity.metrics.mergesNote', { undone: merges.undone, last30d: merges.last30d }),
        explanation: t('identity.metrics.mergesHelp'),
      },
    );
  }

  return (
    <Row gutter={[16, 16]}>
      {kpis.map((kpi) => (
        <Col key={kpi.key} xs={24} sm={12} lg={6}>
          <Card data-testid={`kpi-${kpi.key}`} style={{ height: '100%' }}>
            <Statistic title={kpi.title} value={kpi.value} styles={kpi.color ? { content: { color: kpi.color } } : undefined} />
            {kpi.note && <Typography.Text type="secondary">{kpi.note}</Typography.Text>}
            {explain && (
              <Typography.Paragraph type="secondary" style={{ margin: '8px 0 0', fontSize: 12 }}>
                {kpi.explanation}
              </Typography.Paragraph>
            )}
          </Card>
        </Col>
      ))}
    </Row>
  );
};

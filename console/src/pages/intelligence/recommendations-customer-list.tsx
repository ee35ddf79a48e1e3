import { Card, List, Radio, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { useApi } from '../../api/use-api';
import { ErrorAlert } from '../../components/error-alert';
import type { ServedRecommendations } from './recommendations-api';

/** Next products on the 360° page, with the mode that served them (personalised or most-popular) and why. */
export const CustomerRecommendations = ({ customerId }: { customerId: string }) => {
  const { t } = useTranslation();
  const [crossSell, setCrossSell] = useState(true);
  const { data, error, loading } = useApi(
    () => api.get<ServedRecommendations>(`/api/customers/${encodeURIComponent(customerId)}/recommendations`, { k: 10, crossSell }),
    [customerId, crossSell],
  );
  return (
    <Card
      size="small"
      title={t('recommendations.nextProducts')}
      extra={
        <Radio.Group
          size="small"
          value={crossSell}
          onChange={(e) => setCrossSell(e.target.value as boolean)}
          options={[
            { value: true, label: t('recommendations.crossSell') },
            { value: false, label: t('recommendations.repurchase') },
          ]}
        />
      }
    >
      <ErrorAlert error={error} />
      {data && (
        <Typography.Paragraph data-testid="customer-recommendations-mode" data-mode={data.mode}>
          <Tag color={data.mode === 'personalised' ? 'blue' : data.reason === 'emergency_stop' ? 'red' : 'default'}>
            {t(`recommendations.modes.${data.mode}`)}
          </Tag>
          <Typography.Text type="secondary">{t(`recommendations.reasons.${data.reason}`)}</Typography.Text>
        </Typography.Paragraph>
      )}
      <List
        size="small"
        loading={loading}
        data-testid="customer-recommendations"
        dataSource={data?.items ?? []}
        renderItem={(item, index) => (
          <List.Item>
            <Typography.Text>
              {index + 1}. {item.name} <Typography.Text type="secondary">({item.sku})</Typography.Text>
            </Typography.Text>
          </List.Item>
        )}
      />
    </Card>
  );
};

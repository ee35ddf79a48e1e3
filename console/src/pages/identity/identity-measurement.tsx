import { ReloadOutlined } from '@ant-design/icons';
import { App, Button, Space, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import type { IdentityMetrics } from '../../api/identity-types';
import { type ApiState, useApi } from '../../api/use-api';
import { formatDateTime } from '../../format/date';
import { errorMessage } from '../../i18n/error-message';
import { useSession } from '../../session/session-context';

/** While a measurement is pending, the figures are read again this often. */
const POLL_MS = 3_000;

/** The latest identity measurement, read again every few seconds while a new one is waiting or under way. */
export const useIdentityMetrics = (): ApiState<IdentityMetrics> => {
  const state = useApi(() => api.get<IdentityMetrics>('/api/identity/metrics'), []);
  const { data, loading, reload } = state;
  useEffect(() => {
    if (!data?.pending || loading) return;
    const timer = setTimeout(reload, POLL_MS);
    return () => clearTimeout(timer);
  }, [data, loading, reload]);
  return state;
};

/** "Measured at …" under the figures, and for those who may change identity, a button to measure again. */
export const IdentityMeasuredAt = ({ metrics, onQueued }: { metrics: IdentityMetrics; onQueued: () => void }) => {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { can } = useSession();
  const [asking, setAsking] = useState(false);
  const measure = async () => {
    setAsking(true);
    try {
      await api.post('/api/identity/metrics/measure', {});
      onQueued();
    } catch (reason) {
      message.error(errorMessage(t, reason));
    } finally {
      setAsking(false);
    }
  };
  return (
    <Space wrap style={{ marginTop: 12 }} data-testid="identity-measured-at">
      <Typography.Text type="secondary">
        {t('identity.metrics.measuredAt', { at: formatDateTime(metrics.measuredAt), seconds: metrics.seconds.toFixed(1) })}
      </Typography.Text>
      {metrics.pending && <Typography.Text type="secondary">{t('identity.metrics.measuring')}</Typography.Text>}
      {can('identity:merge') && (
        <Button size="small" icon={<ReloadOutlined />} loading={asking || metrics.pending} onClick={measure} data-testid="identity-measure">
          {t('identity.metrics.measure')}
        </Button>
      )}
    </Space>
  );
};

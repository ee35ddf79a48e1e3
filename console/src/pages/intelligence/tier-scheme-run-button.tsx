import { ThunderboltOutlined } from '@ant-design/icons';
import { App, Button } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { errorMessage } from '../../i18n/error-message';
import { useSession } from '../../session/session-context';

/** "Run now": queues a re-tiering run for the worker (intelligence:manage only). */
export const RunNowButton = ({ pending, onQueued }: { pending: boolean; onQueued: () => void }) => {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { can } = useSession();
  const [sending, setSending] = useState(false);
  if (!can('intelligence:manage')) return null;
  const run = async () => {
    setSending(true);
    try {
      await api.post('/api/segmentation/runs');
      message.success(t('segmentation.runQueued'));
      onQueued();
    } catch (reason) {
      message.error(errorMessage(t, reason));
    } finally {
      setSending(false);
    }
  };
  return (
    <Button type="primary" icon={<ThunderboltOutlined />} loading={sending || pending} onClick={() => void run()} data-testid="segmentation-run-now">
      {pending ? t('segmentation.running') : t('segmentation.runNow')}
    </Button>
  );
};

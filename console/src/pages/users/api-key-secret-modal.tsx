import { CopyOutlined } from '@ant-design/icons';
import { Alert, App, Button, Input, Modal, Space } from 'antd';
import { useTranslation } from 'react-i18next';

const copyText = async (text: string): Promise<void> => {
  if (navigator.clipboard?.writeText) return navigator.clipboard.writeText(text);
  // Plain-HTTP deployments have no Clipboard API; fall back to a selected textarea.
  const area = document.createElement('textarea');
  area.value = text;
  document.body.append(area);
  area.select();
  const ok = document.execCommand('copy');
  area.remove();
  if (!ok) throw new Error('copy failed');
};

/** The secret exists only in this response; once closed it cannot be shown again. */
export const ApiKeySecretModal = ({ secret, onClose }: { secret: string | undefined; onClose: () => void }) => {
  const { t } = useTranslation();
  const { message } = App.useApp();

  const copy = () => {
    if (!secret) return;
    copyText(secret)
      .then(() => message.success(t('apiKeys.copied')))
      .catch(() => message.error(t('apiKeys.copyFailed')));
  };

  return (
    <Modal
      open={Boolean(secret)}
      title={t('apiKeys.secretTitle')}
      onCancel={onClose}
      mask={{ closable: false }}
      footer={
        <Button type="primary" onClick={onClose} data-testid="api-key-secret-done">
          {t('apiKeys.secretDone')}
        </Button>
      }
    >
      <Space orientation="vertical" style={{ width: '100%' }}>
        <Alert type="warning" showIcon title={t('apiKeys.secretWarning')} />
        <Space.Compact style={{ width: '100%' }}>
          <Input readOnly value={secret} data-testid="api-key-secret" style={{ fontFamily: 'monospace' }} />
          <Button icon={<CopyOutlined />} onClick={copy} data-testid="api-key-copy">
            {t('apiKeys.copy')}
          </Button>
        </Space.Compact>
      </Space>
    </Modal>
  );
};

import { App, Form, Input, Modal } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import type { User } from '../../api/types';
import { applyFieldErrors } from '../../components/apply-field-errors';
import { errorMessage } from '../../i18n/error-message';
import { MIN_PASSWORD_LENGTH } from './create-user-modal';

export const ResetPasswordModal = ({ user, onClose }: { user: User | undefined; onClose: () => void }) => {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ password: string }>();
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    if (user) form.resetFields();
  }, [user, form]);

  const submit = async () => {
    if (!user) return;
    const { password } = await form.validateFields();
    setSaving(true);
    try {
      await api.post<{ ok: boolean }>(`/api/users/${encodeURIComponent(user.id)}/password`, { password });
      message.success(t('users.passwordReset'));
      onClose();
    } catch (error) {
      applyFieldErrors(form, error, ['password']);
      message.error(errorMessage(t, error));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      open={Boolean(user)}
      title={t('users.resetPasswordTitle', { name: user?.displayName ?? '' })}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={saving}
      onOk={() => {
        submit().catch(() => undefined);
      }}
      onCancel={onClose}
      forceRender
    >
      <Form form={form} layout="vertical">
        <Form.Item
          name="password"
          label={t('users.newPassword')}
          rules={[
            { required: true, message: t('common.required') },
            { min: MIN_PASSWORD_LENGTH, message: t('users.passwordTooShort', { min: MIN_PASSWORD_LENGTH }) },
          ]}
        >
          <Input.Password autoComplete="new-password" data-testid="reset-password-input" />
        </Form.Item>
      </Form>
    </Modal>
  );
};

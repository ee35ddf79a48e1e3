import { App, Form, Input, Modal, Select } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { ROLES, type Role, type User } from '../../api/types';
import { applyFieldErrors } from '../../components/apply-field-errors';
import { errorMessage } from '../../i18n/error-message';

interface CreateUserForm {
  email: string;
  displayName: string;
  role: Role;
  password: string;
}

export const MIN_PASSWORD_LENGTH = 10;

export const CreateUserModal = ({ open, onClose, onCreated }: { open: boolean; onClose: () => void; onCreated: () => void }) => {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<CreateUserForm>();
  const [saving, setSaving] = useState(false);

  const submit = async () => {
    const values = await form.validateFields();
    setSaving(true);
    try {
      await api.post<{ user: User }>('/api/users', { ...values, email: values.email.trim() });
      message.success(t('users.created'));
      form.resetFields();
      onCreated();
    } catch (error) {
      applyFieldErrors(form, error, ['email', 'displayName', 'role', 'password']);
      message.error(errorMessage(t, error));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      open={open}
      title={t('users.createTitle')}
      okText={t('common.create')}
      cancelText={t('common.cancel')}
      confirmLoading={saving}
      onOk={() => {
        submit().catch(() => undefined);
      }}
      onCancel={onClose}
      forceRender
    >
      <Form form={form} layout="vertical" initialValues={{ role: 'agent' }} data-testid="user-create-form">
        <Form.Item name="email" label={t('users.email')} rules={[{ required: true, type: 'email', message: t('common.invalidEmail') }]}>
          <Input autoComplete="off" data-testid="user-form-email" />
        </Form.Item>
        <Form.Item name="displayName" label={t('users.displayName')} rules={[{ required: true, message: t('common.required') }]}>
          <Input data-testid="user-form-displayName" />
        </Form.Item>
        <Form.Item name="role" label={t('users.role')} rules={[{ required: true, message: t('common.required') }]}>
          <Select data-testid="user-form-role" options={ROLES.map((role) => ({ value: role, label: t(`roles.${role}`) }))} />
        </Form.Item>
        <Form.Item
          name="password"
          label={t('users.password')}
          rules={[
            { required: true, message: t('common.required') },
            { min: MIN_PASSWORD_LENGTH, message: t('users.passwordTooShort', { min: MIN_PASSWORD_LENGTH }) },
          ]}
        >
          <Input.Password autoComplete="new-password" data-testid="user-form-password" />
        </Form.Item>
      </Form>
    </Modal>
  );
};

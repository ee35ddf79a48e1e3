import { App, Form, Input, Modal } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import type { CustomerDetail, CustomerInput } from '../../api/types';
import { applyFieldErrors } from '../../components/apply-field-errors';
import { errorMessage } from '../../i18n/error-message';

interface CustomerFormModalProps {
  open: boolean;
  /** Present when editing; absent when creating. */
  customer?: CustomerDetail;
  onClose: () => void;
  onSaved: (customer: CustomerDetail) => void;
}

type FormValues = Required<CustomerInput>;

/** Empty optional fields are left out on create and sent as-is on edit only when changed. */
const toBody = (values: FormValues, customer?: CustomerDetail): CustomerInput => {
  const body: CustomerInput = {};
  for (const key of ['displayName', 'phone', 'email', 'memberNo'] as const) {
    const value = (values[key] ?? '').trim();
    const before = customer?.[key] ?? '';
    if (customer ? value !== before : value !== '') body[key] = value;
  }
  return body;
};

export const CustomerFormModal = ({ open, customer, onClose, onSaved }: CustomerFormModalProps) => {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<FormValues>();
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    if (!open) return;
    form.resetFields();
    form.setFieldsValue({
      displayName: customer?.displayName ?? '',
      phone: customer?.phone ?? '',
      email: customer?.email ?? '',
      memberNo: customer?.memberNo ?? '',
    });
  }, [open, customer, form]);

  const submit = async () => {
    const values = await form.validateFields();
    setSaving(true);
    try {
      const body = toBody(values, customer);
      const { customer: saved } = customer
        ? await api.patch<{ customer: CustomerDetail }>(`/api/customers/${encodeURIComponent(customer.id)}`, body)
        : await api.post<{ customer: CustomerDetail }>('/api/customers', body);
      message.success(customer ? t('customers.updated') : t('customers.created'));
      onSaved(saved);
    } catch (error) {
      applyFieldErrors(form, error, ['displayName', 'phone', 'email', 'memberNo']);
      message.error(errorMessage(t, error));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      open={open}
      title={customer ? t('customers.editTitle') : t('customers.createTitle')}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={saving}
      onOk={() => {
        submit().catch(() => undefined);
      }}
      onCancel={onClose}
      forceRender
    >
      <Form form={form} layout="vertical" data-testid="customer-form">
        <Form.Item name="displayName" label={t('customers.displayName')} rules={[{ required: true, message: t('common.required') }]}>
          <Input data-testid="customer-form-displayName" />
        </Form.Item>
        <Form.Item name="phone" label={t('customers.phone')}>
          <Input data-testid="customer-form-phone" />
        </Form.Item>
        <Form.Item name="email" label={t('customers.email')} rules={[{ type: 'email', message: t('common.invalidEmail') }]}>
          <Input data-testid="customer-form-email" />
        </Form.Item>
        <Form.Item name="memberNo" label={t('customers.memberNo')}>
          <Input data-testid="customer-form-memberNo" />
        </Form.Item>
      </Form>
    </Modal>
  );
};

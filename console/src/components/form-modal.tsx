import { App, Form, type FormInstance, Modal } from 'antd';
import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../i18n/error-message';
import { applyFieldErrors } from './apply-field-errors';

type FormModalProps<V extends object> = {
  open: boolean;
  title: ReactNode;
  form: FormInstance<V>;
  initialValues?: Partial<V>;
  /** false: the form forgets its values when the modal closes. */
  preserve?: boolean;
  /** Sends the validated values; the modal closes (changed) once it resolves. */
  onSave: (values: V) => Promise<void>;
  onClose: (changed: boolean) => void;
  /** Fields whose server-side errors are shown under the field rather than as a message. */
  fieldErrors?: readonly (keyof V & string)[];
  children: ReactNode;
};

/**
 * A modal around a vertical form: OK validates it (antd marks the fields), saves with the OK button busy and
 * closes; a failed save is shown under the fields it names or as a translated message, and the modal stays.
 */
export const FormModal = <V extends object>({ open, title, form, initialValues, preserve, onSave, onClose, fieldErrors = [], children }: FormModalProps<V>) => {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [saving, setSaving] = useState(false);
  const submit = async () => {
    const values = await form.validateFields();
    setSaving(true);
    try {
      await onSave(values);
      onClose(true);
    } catch (reason) {
      if (!applyFieldErrors(form, reason, fieldErrors)) message.error(errorMessage(t, reason));
    } finally {
      setSaving(false);
    }
  };
  return (
    <Modal open={open} title={title} onCancel={() => onClose(false)} onOk={() => submit().catch(() => undefined)} confirmLoading={saving} destroyOnHidden>
      <Form form={form} layout="vertical" initialValues={initialValues} preserve={preserve}>
        {children}
      </Form>
    </Modal>
  );
};

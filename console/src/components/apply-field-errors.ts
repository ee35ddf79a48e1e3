import type { FormInstance } from 'antd';
import { formFieldErrors } from '../i18n/error-message';

/** Puts the server's per-field messages under the matching form items; returns whether any matched. */
export const applyFieldErrors = <T extends object>(form: FormInstance<T>, error: unknown, names: readonly (keyof T & string)[]): boolean => {
  const fields = formFieldErrors(error).filter((field) => (names as readonly string[]).includes(field.name));
  if (fields.length === 0) return false;
  form.setFields(fields as Parameters<FormInstance<T>['setFields']>[0]);
  return true;
};

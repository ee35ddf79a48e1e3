import { Alert } from 'antd';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../i18n/error-message';

/** Shows a failed request in the page, translated when the code is known. */
export const ErrorAlert = ({ error }: { error: unknown }) => {
  const { t } = useTranslation();
  if (!error) return null;
  return <Alert type="error" showIcon title={errorMessage(t, error)} style={{ marginBottom: 16 }} />;
};

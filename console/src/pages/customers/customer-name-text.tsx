import { Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { customerNameLabel } from './customer-name';

/** A customer's name; anonymous visitors get a muted placeholder instead of a blank. */
export const CustomerNameText = ({ customer }: { customer: { id: string; displayName: string } }) => {
  const { t } = useTranslation();
  const { text, anonymous } = customerNameLabel(t, customer);
  return anonymous ? (
    <Typography.Text type="secondary" data-testid="customer-anonymous-name">
      {text}
    </Typography.Text>
  ) : (
    text
  );
};

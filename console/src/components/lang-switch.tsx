import { App, Button, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import { LOCALES, type Locale } from '../api/types';
import { currentLocale } from '../i18n';
import { errorMessage } from '../i18n/error-message';
import { useSession } from '../session/session-context';

export const LangSwitch = () => {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { changeLocale } = useSession();
  const active = currentLocale();
  const labels: Record<Locale, string> = { 'zh-CN': t('language.zhCN'), en: t('language.en') };

  const choose = (locale: Locale) => {
    if (locale === active) return;
    changeLocale(locale).catch((error: unknown) => message.error(errorMessage(t, error)));
  };

  return (
    <Space.Compact data-testid="lang-switch" aria-label={t('language.label')}>
      {LOCALES.map((locale) => (
        <Button
          key={locale}
          size="small"
          data-testid={`lang-${locale}`}
          type={locale === active ? 'primary' : 'default'}
          aria-pressed={locale === active}
          onClick={() => choose(locale)}
        >
          {labels[locale]}
        </Button>
      ))}
    </Space.Compact>
  );
};

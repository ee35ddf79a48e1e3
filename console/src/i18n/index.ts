import 'dayjs/locale/zh-cn';
import dayjs from 'dayjs';
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { LOCALES, type Locale } from '../api/types';
import en from './locales/en.json';
import zhCN from './locales/zh-CN.json';

export const LOCALE_STORAGE_KEY = 'guanxi.locale';

export const i18n = i18next.createInstance();

export const isLocale = (value: unknown): value is Locale => typeof value === 'string' && (LOCALES as readonly string[]).includes(value);

const readSavedLocale = (): Locale | undefined => {
  try {
    const saved = window.localStorage.getItem(LOCALE_STORAGE_KEY);
    return isLocale(saved) ? saved : undefined;
  } catch {
    return undefined;
  }
};

/** A saved choice wins; otherwise any Chinese browser language means zh-CN. */
export const detectLocale = (): Locale => {
  const saved = readSavedLocale();
  if (saved) return saved;
  const languages = navigator.languages?.length ? navigator.languages : [navigator.language];
  return languages[0]?.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
};

const syncDocument = (locale: Locale): void => {
  document.documentElement.lang = locale;
  dayjs.locale(locale === 'zh-CN' ? 'zh-cn' : 'en');
};

export const currentLocale = (): Locale => (isLocale(i18n.language) ? i18n.language : 'en');

/** Switches the UI language and remembers it in this browser. */
export const applyLocale = async (locale: Locale): Promise<void> => {
  try {
    window.localStorage.setItem(LOCALE_STORAGE_KEY, locale);
  } catch {
    // Private mode may refuse storage; the switch still applies to this tab.
  }
  syncDocument(locale);
  await i18n.changeLanguage(locale);
};

export const initI18n = async (): Promise<void> => {
  const locale = detectLocale();
  syncDocument(locale);
  await i18n.use(initReactI18next).init({
    resources: { 'zh-CN': { translation: zhCN }, en: { translation: en } },
    lng: locale,
    fallbackLng: 'en',
    supportedLngs: [...LOCALES],
    load: 'currentOnly',
    keySeparator: '.',
    nsSeparator: false,
    interpolation: { escapeValue: false },
    returnEmptyString: false,
  });
};

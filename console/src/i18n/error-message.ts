import type { TFunction } from 'i18next';
import { ApiError } from '../api/client';

/** Translated text for a known error code, else the server's own message. */
export const errorMessage = (t: TFunction, error: unknown): string => {
  if (error instanceof ApiError) {
    const key = `errors.${error.code}`;
    return t(key, { defaultValue: error.message || t('errors.unknown') });
  }
  if (error instanceof Error && error.message) return error.message;
  return t('errors.unknown');
};

/** Maps `fields` of a 400 answer (`body.email`) onto antd form items (`email`). */
export const formFieldErrors = (error: unknown): { name: string; errors: string[] }[] => {
  if (!(error instanceof ApiError)) return [];
  const byName = new Map<string, string[]>();
  for (const field of error.fields) {
    const name = field.path.replace(/^body\./, '').split('.')[0] ?? field.path;
    byName.set(name, [...(byName.get(name) ?? []), field.message]);
  }
  return [...byName].map(([name, errors]) => ({ name, errors }));
};

import { type CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js';

/** E.164 form of a phone number, read with `region` as the default country (+86 for CN). */
export const normalizePhone = (raw: string, region: CountryCode = 'CN'): string | undefined => {
  const parsed = parsePhoneNumberFromString(raw.trim(), region);
  return parsed?.isValid() ? parsed.number : undefined;
};

export const normalizeEmail = (raw: string): string => raw.trim().toLowerCase();

/** Masks for roles without `customers:read_pii`: enough to recognise, not to contact. */
export const maskPhone = (phone: string): string => {
  const digits = phone.replace(/^\+86/, '');
  if (digits.length <= 4) return '****';
  return `${digits.slice(0, 3)}****${digits.slice(-4)}`;
};

export const maskEmail = (email: string): string => {
  const at = email.indexOf('@');
  if (at <= 0) return '***';
  return `${email[0]}***${email.slice(at)}`;
};

export const maskName = (name: string): string => {
  const chars = [...name.trim()];
  // No name (an anonymous visitor) has nothing to hide; the console shows a placeholder for it.
  if (chars.length === 0) return '';
  // Chinese names: keep the surname; Latin names: keep the first letter of each word.
  if (/^[\u3400-\u9fff]/.test(name)) return `${chars[0]}${'*'.repeat(Math.max(1, chars.length - 1))}`;
  return name
    .trim()
    .split(/\s+/)
    .map((w) => `${w[0]}.`)
    .join(' ');
};

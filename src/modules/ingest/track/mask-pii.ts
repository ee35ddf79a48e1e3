import { maskEmail, maskPhone } from '../../customers/index.ts';

const EMAIL_KEY = /e-?mail/i;
const PHONE_KEY = /phone|mobile/i;

/**
 * A copy of event data with values under email and phone keys masked, at any depth (traits,
 * context.traits, properties.$set). Reports whether it found any, so that reading them unmasked is audited.
 */
export const maskPii = (value: unknown, reveal: boolean): { value: unknown; found: boolean } => {
  let found = false;
  const walk = (v: unknown, key: string | undefined): unknown => {
    if (key !== undefined && (typeof v === 'string' || typeof v === 'number')) {
      const isEmail = EMAIL_KEY.test(key);
      const isPhone = !isEmail && PHONE_KEY.test(key);
      if (isEmail || isPhone) {
        found = true;
        if (reveal) return v;
        return isEmail ? maskEmail(String(v)) : maskPhone(String(v));
      }
      return v;
    }
    if (Array.isArray(v)) return v.map((x) => walk(x, key));
    if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, k)]));
    return v;
  };
  const out = walk(value, undefined);
  return { value: out, found };
};

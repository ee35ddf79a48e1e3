import type { CountryCode } from 'libphonenumber-js';
import { normalizeEmail, normalizePhone } from '../customers/index.ts';
import type { IdentifierType } from './identity-rules.ts';

export type Identifier = { type: IdentifierType; value: string };

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * The canonical form of an identifier (E.164 phone, case-folded email, trimmed ids), or a reason it
 * cannot be used. External ids are namespaced by their source: `pos:10023`.
 */
export const normalizeIdentifier = (
  type: IdentifierType,
  raw: unknown,
  region: string,
): { ok: true; identifier: Identifier } | { ok: false; reason: string } => {
  if (raw === null || raw === undefined) return { ok: false, reason: 'missing' };
  const text = String(typeof raw === 'number' ? Math.trunc(raw) : raw).trim();
  if (text === '') return { ok: false, reason: 'empty' };
  if (text.length > 200) return { ok: false, reason: 'longer than 200 characters' };
  switch (type) {
    case 'phone': {
      const phone = normalizePhone(text, region as CountryCode);
      return phone ? { ok: true, identifier: { type, value: phone } } : { ok: false, reason: 'not a valid phone number' };
    }
    case 'email': {
      const email = normalizeEmail(text);
      return EMAIL.test(email) ? { ok: true, identifier: { type, value: email } } : { ok: false, reason: 'not a valid email address' };
    }
    case 'member_no':
      return { ok: true, identifier: { type, value: text.toUpperCase() } };
    default:
      return { ok: true, identifier: { type, value: text } };
  }
};

/** Stable 64-bit key for advisory locks on one identifier value. */
export const identifierLockKey = (i: Identifier): string => `idn:${i.type}:${i.value}`;

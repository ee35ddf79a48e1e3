import { maskEmail, maskName, maskPhone } from './contact.ts';

/** What a reader sees of a customer's personal data: full values, or masked ones without `customers:read_pii`. */
export type PiiView = { displayName: string; phone: string | null; email: string | null };

export const viewPii = (row: { display_name: string; phone: string | null; email: string | null }, reveal: boolean): PiiView =>
  reveal
    ? { displayName: row.display_name, phone: row.phone, email: row.email }
    : { displayName: maskName(row.display_name), phone: row.phone && maskPhone(row.phone), email: row.email && maskEmail(row.email) };

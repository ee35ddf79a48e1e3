import type { TFunction } from 'i18next';

/** The tail of a customer id: ids are time-ordered, so their start is the same for records made together. */
export const shortCustomerId = (id: string): string => id.slice(-6);

/**
 * What to call a customer: its name, or — for a record known only by an anonymous id (a website visitor
 * who never signed in), which has none — "Anonymous visitor · <short id>", to be shown muted.
 */
export const customerNameLabel = (t: TFunction, customer: { id: string; displayName: string }): { text: string; anonymous: boolean } => {
  const name = customer.displayName.trim();
  if (name !== '') return { text: customer.displayName, anonymous: false };
  return { text: t('customers.anonymousName', { shortId: shortCustomerId(customer.id) }), anonymous: true };
};

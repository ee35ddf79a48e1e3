/** Core customer records: customers, their identifiers, orders with lines, and the order summary. */

export { maskEmail, maskName, maskPhone, normalizeEmail, normalizePhone } from './contact.ts';
export { type PiiView, viewPii } from './customer-views.ts';
export type { CustomersErrorCode } from './customers.errors.ts';
export { customersRoutes } from './customers.routes.ts';
export type { OrderStatus } from './customers.tables.ts';
export { type CustomerDetail, getCustomer } from './get-customer.ts';
export {
  attachIdentifiers,
  clusterIdentifiers,
  detachRecord,
  findIdentifierOwners,
  type IdentifierKey,
  type IdentifierOwner,
  insertCustomerRecords,
  type NewCustomerRecord,
  repointRoot,
  rootOf,
} from './identity-graph.repository.ts';
export { insertStagedOrders, type StagedOrderTables } from './import-staged-orders.repository.ts';
export { insertRefunds, lockOrders, lockRefundableOrders, type NewRefund, type RefundableOrder } from './imported-orders.repository.ts';
export { type CustomerListItem, listCustomers } from './list-customers.ts';
export {
  type GoldenField,
  goldenProvenance,
  recordTraits,
  refreshGoldenRecords,
  type Survivorship,
  snapshotBaseTraits,
  type TraitObservation,
} from './profile.repository.ts';
export { refreshCustomerStats } from './refresh-customer-stats.ts';
export { revealListedPii } from './reveal-listed-pii.ts';
export { type CustomerFields, createCustomer, updateCustomer } from './save-customer.ts';

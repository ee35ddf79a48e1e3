export type CustomersErrorCode = 'customers.not_found' | 'customers.invalid_phone' | 'customers.member_no_taken';

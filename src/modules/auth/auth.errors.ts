export type AuthErrorCode =
  | 'auth.unauthenticated'
  | 'auth.forbidden'
  | 'auth.invalid_credentials'
  | 'auth.locked'
  | 'auth.email_taken'
  | 'auth.user_not_found'
  | 'auth.last_admin'
  | 'auth.api_key_not_found'
  | 'auth.invalid_api_key';

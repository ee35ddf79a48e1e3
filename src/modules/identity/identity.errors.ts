export type IdentityErrorCode = 'identity.merge_not_found' | 'identity.merge_conflict' | 'identity.already_undone' | 'identity.not_a_root';

export type TagsErrorCode = 'tags.not_found' | 'tags.invalid_definition' | 'tags.name_taken' | 'tags.not_manual' | 'tags.archived' | 'tags.in_use';

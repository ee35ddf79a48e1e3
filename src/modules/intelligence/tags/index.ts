/** Tags (标签体系): manual, rule-based and behavioural tags on customers, each assignment and removal with history. */

export { archiveTag, restoreTag } from './archive-tag.ts';
export { availableTables, compileBehaviour, compileDefinition, compileRule, countMatches } from './compile-tag.ts';
export { deleteTag } from './delete-tag.ts';
export { evaluateAllTags, evaluateTag, type TagEvaluationResult } from './evaluate-tags.ts';
export { followMerge, followUnmerge, MERGE_TOPICS, tagsSubscribers } from './follow-merges.ts';
export { addManualTag, listTaggedCustomers, removeManualTag, type TaggedCustomer } from './manual-tags.ts';
export { type FieldDef, type Operator, RULE_FIELDS, type RuleField } from './rule-fields.ts';
export { createTag, type TagInput, type TagPatch, updateTag } from './save-tag.ts';
export { type Behaviour, type Condition, parseTagDefinition, type Rule, TAG_COLOURS, TAG_KINDS } from './tag-definition.ts';
export { ensurePresetTags, PRESET_TAGS } from './tags.demo.ts';
export type { TagsErrorCode } from './tags.errors.ts';
export { EVALUATE_TAGS_TASK, tagsJobs } from './tags.jobs.ts';
export {
  type CustomerTag,
  getTagDefinition,
  listCustomerTags,
  listTagDefinitions,
  listTagHistory,
  type TagDefinition,
  type TagHistoryEntry,
} from './tags.repository.ts';
export { tagsRoutes } from './tags.routes.ts';
export type { TagKind } from './tags.tables.ts';

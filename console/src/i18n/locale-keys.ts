// Helpers for the locale consistency test; kept apart so they can be tested themselves.

export type LocaleTree = { [key: string]: unknown };

/** Leaf paths of a nested locale object, joined with the i18next key separator ('.'). */
export const flattenLocale = (tree: LocaleTree, prefix = ''): Map<string, unknown> => {
  const leaves = new Map<string, unknown>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const [leaf, leafValue] of flattenLocale(value as LocaleTree, path)) leaves.set(leaf, leafValue);
    } else {
      leaves.set(path, value);
    }
  }
  return leaves;
};

const KEY_PATTERNS = [
  // A call of a function named exactly `t` (also i18n.t) with a quoted first argument;
  // split or format do not count because `t` must be a whole word.
  /\bt\(\s*(['"])([^'"\n]+?)\1/g,
  // The i18nKey prop of <Trans>, as a string or a braced string.
  /\bi18nKey=\{?\s*(['"])([^'"\n]+?)\1/g,
];

/** Literal translation keys used in a source text. */
export const findUsedKeys = (source: string): string[] => {
  const keys = new Set<string>();
  for (const pattern of KEY_PATTERNS) {
    for (const match of source.matchAll(pattern)) keys.add(match[2] as string);
  }
  return [...keys];
};

/** Keys of `a` that `b` lacks. */
export const missingFrom = (a: Iterable<string>, b: ReadonlySet<string> | ReadonlyMap<string, unknown>): string[] => [...a].filter((key) => !b.has(key)).sort();

/** Keys whose value is not a non-blank string. */
export const emptyValues = (leaves: ReadonlyMap<string, unknown>): string[] =>
  [...leaves].filter(([, value]) => typeof value !== 'string' || value.trim() === '').map(([key]) => key);

/** `{{name}}` placeholders in a translation, sorted. */
export const placeholders = (text: string): string[] => [...text.matchAll(/\{\{\s*([\w.]+)\s*\}\}/g)].map((m) => m[1] as string).sort();

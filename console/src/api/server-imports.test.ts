import { describe, expect, it } from 'vitest';

// The console bundles the server files it imports, so each must stay free of imports (no kysely, pg,
// node: or zod can follow it into the browser).
const here = new URL('file:///repo/console/src/api/');
const consoleSources = import.meta.glob<string>(['../**/*.{ts,tsx}', '!../**/*.test.{ts,tsx}'], { query: '?raw', import: 'default', eager: true });
const serverSources = new Map(
  Object.entries(import.meta.glob<string>('../../../src/**/*.ts', { query: '?raw', import: 'default', eager: true })).map(([key, text]) => [
    new URL(key, here).pathname,
    text,
  ]),
);

/** Server files imported by console files: path → the console files importing it. */
const serverImports = (): Map<string, string[]> => {
  const found = new Map<string, string[]>();
  for (const [file, text] of Object.entries(consoleSources)) {
    for (const [, spec] of text.matchAll(/from '((?:\.\.\/)+src\/[^']+)'/g)) {
      const path = new URL(spec?.endsWith('.ts') ? spec : `${spec}.ts`, new URL(file, here)).pathname;
      found.set(path, [...(found.get(path) ?? []), file]);
    }
  }
  return found;
};

describe('server modules in the console', () => {
  it('are the single definitions of the shared kinds and shapes', () => {
    expect(serverImports().size, 'the console imports no server module').toBeGreaterThanOrEqual(5);
  });

  it('exist and import nothing', () => {
    for (const [path, importers] of serverImports()) {
      const text = serverSources.get(path);
      expect(text, `${path} (imported by ${importers.join(', ')}) not found`).toBeDefined();
      const imports = text?.split('\n').filter((line) => /^\s*(import|export .* from)\b/.test(line) || /^\s*import\s*\(/.test(line));
      expect(imports, `${path} is bundled into the console and must not import anything`).toEqual([]);
    }
  });
});

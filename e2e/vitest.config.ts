import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: '.',
    include: ['e2e/**/*.e2e.ts'],
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 240_000,
    // A page under a loaded CI machine may take a few seconds to show what it fetched; 1 s (the default) made
    // the audit-log journey fail now and then. A broken page still fails, 10 s later.
    expect: { poll: { timeout: 10_000 } },
  },
});

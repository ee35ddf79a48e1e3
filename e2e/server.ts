import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';

export type DemoServer = { url: string; email: string; password: string; output: () => string; stop: () => Promise<number | null> };

const root = path.resolve(import.meta.dirname, '..');

/**
 * Starts `guanxi demo` as a user would (a separate process, its own embedded PostgreSQL in a fresh data
 * dir, its own ports) and waits for it to print its URL. `stop` sends SIGTERM and returns the exit code.
 */
export const startDemoServer = async (options: { port: number; pgPort: number; customers: number; fresh?: boolean; args?: string[] }): Promise<DemoServer> => {
  execFileSync(process.execPath, [path.join(root, 'scripts/ensure-console.mjs')], { cwd: root, stdio: 'inherit' });
  const dataDir = path.join(root, '.guanxi', `e2e-${options.port}`);
  if (options.fresh ?? true) rmSync(dataDir, { recursive: true, force: true });
  const env = {
    ...process.env,
    DATABASE_URL: '',
    GUANXI_DATA_DIR: dataDir,
    GUANXI_PORT: String(options.port),
    GUANXI_PG_PORT: String(options.pgPort),
    GUANXI_LOG_LEVEL: 'warn',
  };
  delete (env as Record<string, string | undefined>).DATABASE_URL;
  const child: ChildProcess = spawn(
    process.execPath,
    ['bin/guanxi.js', 'demo', '--customers', String(options.customers), '--seed', 'e2e', ...(options.args ?? [])],
    {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`demo server did not start:\n${output}`)), 180_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /Guanxi is running at (\S+)/.exec(output);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`demo server exited with ${code}:\n${output}`));
    });
  });
  const email = /Sign in as (\S+) \/ (\S+)/.exec(output);
  return {
    url,
    email: email?.[1] ?? '',
    password: email?.[2] ?? '',
    output: () => output,
    stop: () =>
      new Promise<number | null>((resolve) => {
        if (child.exitCode !== null) return resolve(child.exitCode);
        child.removeAllListeners('exit');
        child.once('exit', (code) => resolve(code));
        child.kill('SIGTERM');
      }).then((code) => {
        // A test expects 0; when it is not, the server's own last words say why.
        if (code !== 0) process.stderr.write(`demo server on port ${options.port} exited with ${code}; the end of its output:\n${output.slice(-6000)}\n`);
        return code;
      }),
  };
};

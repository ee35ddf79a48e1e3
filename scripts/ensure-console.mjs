// Builds the console (Vite) when console/dist is missing or older than its sources, so `npm start`
// and `npm run demo` work straight after `npm install` without rebuilding on every start.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const dist = path.join(root, 'console', 'dist', 'index.html');

const newest = (dir) => {
  let t = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'dist' || entry.name === 'node_modules') continue;
    const p = path.join(dir, entry.name);
    t = Math.max(t, entry.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
};

// The console also bundles the server's dependency-free modules it imports (src/**, e.g. *.shared.ts).
const serverImports = (dir) => {
  let t = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) t = Math.max(t, serverImports(p));
    else if (/\.tsx?$/.test(entry.name))
      for (const [, spec] of readFileSync(p, 'utf8').matchAll(/from '((?:\.\.\/)+src\/[^']+)'/g)) {
        const file = path.resolve(path.dirname(p), spec.endsWith('.ts') ? spec : `${spec}.ts`);
        if (existsSync(file)) t = Math.max(t, statSync(file).mtimeMs);
      }
  }
  return t;
};

const consoleSrc = path.join(root, 'console', 'src');
if (!existsSync(dist) || statSync(dist).mtimeMs < Math.max(newest(path.join(root, 'console')), serverImports(consoleSrc))) {
  process.stderr.write('building the console (once; rebuilt only when its sources change)…\n');
  execFileSync(
    process.execPath,
    [path.join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'console/vite.config.ts', '--logLevel', 'warn'],
    {
      cwd: root,
      stdio: 'inherit',
    },
  );
}

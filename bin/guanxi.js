#!/usr/bin/env -S node --max-semi-space-size=64
// A 64 MB young generation (V8's default is 16 MB): the tracking API's requests hold their events while they
// wait for their commit, and with the default every young collection copied them; measured on the ingest bench,
// garbage collection went from ~16 to ~6 µs of CPU per accepted event. (`node bin/guanxi.js` skips this line;
// NODE_OPTIONS=--max-semi-space-size=64 does the same.)
// Runs the TypeScript CLI through tsx's loader, so `guanxi` works straight after `npm install`.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');

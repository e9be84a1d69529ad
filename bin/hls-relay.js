#!/usr/bin/env node
// The compiled CLI lives in dist/ (npm run build); say so instead of a bare module-not-found trace.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/src-main/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  console.error('hls-relay is not built yet: run `npm run build` (or `npm run serve -- <flags>`) first.');
  process.exit(1);
}
await import(entry.href);

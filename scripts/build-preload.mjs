#!/usr/bin/env node
// Bundles the preload into one CommonJS file: a sandboxed preload cannot load other modules, only
// `require('electron')`. Usage: node scripts/build-preload.mjs [--outfile <path>]
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({ options: { outfile: { type: 'string' } } });
const outfile = values.outfile ?? `${root}dist/preload/preload.cjs`;

await build({
  entryPoints: [`${root}src-main/preload/preload.ts`],
  outfile,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  external: ['electron'],
  sourcemap: false,
  logLevel: 'warning',
});
console.log(`preload bundled to ${outfile}`);

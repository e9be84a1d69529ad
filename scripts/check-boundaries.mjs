#!/usr/bin/env node
// Keeps the layers apart (run by `npm test`): every import/export/require/import() specifier is checked.
//   src-main/core    no electron, no electron-store, nothing from src-main/electron|cli|preload
//   src-main/shared  only other files of src-main/shared (no node:, no packages)
//   src-renderer     no node: (or Node built-ins), no electron, nothing from src-main/core|electron|cli|preload
// Usage: node scripts/check-boundaries.mjs [repo root]   Prints each violation; exits 1 when there is one.
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(process.argv[2] ?? fileURLToPath(new URL('..', import.meta.url)));
const SOURCE_FILE = /\.(?:[cm]?[jt]s|svelte)$/;
const SKIPPED_FOLDERS = new Set(['node_modules', 'dist', '.vite']);
// Build configuration (vite.config.ts, svelte.config.js) runs in Node, not in the window.
const BUILD_CONFIG = /\.config\.[cm]?[jt]s$/;
const SPECIFIER =
  /(?:\bimport\s*(?:type\s+)?(?:[\w*${}\s,]+?\s*from\s*)?|\bexport\s+(?:type\s+)?(?:\*(?:\s+as\s+[\w$]+)?|\{[^}]*\})\s*from\s*|\bimport\s*\(\s*|\brequire\s*\(\s*)(['"])([^'"\n]+)\1/g;
const NODE_BUILTINS = new Set(builtinModules);
const ELECTRON = /^electron(?:\/|$)|^electron-store(?:\/|$)/;

const NODE_SIDE = ['src-main/core', 'src-main/electron', 'src-main/cli', 'src-main/preload'];
const inside = (target, folder) => target === folder || target.startsWith(`${folder}/`);

/** The rule a file's specifier breaks, or null. `target` is the repo-relative path of a relative import. */
const RULES = {
  'src-main/core': (specifier, target) => {
    if (ELECTRON.test(specifier)) return 'the engine never imports Electron';
    const shell = target && ['src-main/electron', 'src-main/cli', 'src-main/preload'].find((folder) => inside(target, folder));
    return shell ? `the engine never imports from ${shell}` : null;
  },
  'src-main/shared': (specifier, target) => {
    if (target === null) return 'shared holds types and contracts only: no node:, no packages';
    return inside(target, 'src-main/shared') ? null : 'shared imports nothing outside src-main/shared';
  },
  'src-renderer': (specifier, target) => {
    if (specifier.startsWith('node:') || NODE_BUILTINS.has(specifier.split('/')[0])) return 'the window has no Node';
    if (ELECTRON.test(specifier)) return 'the window reaches Electron only through the preload bridge';
    const engine = target && NODE_SIDE.find((folder) => inside(target, folder));
    return engine ? `the window talks to the engine through RelayClient, not ${engine}` : null;
  },
};

function* sourceFiles(folder) {
  let entries;
  try {
    entries = readdirSync(folder, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory() && !SKIPPED_FOLDERS.has(entry.name)) yield* sourceFiles(full);
    else if (entry.isFile() && SOURCE_FILE.test(entry.name) && !BUILD_CONFIG.test(entry.name)) yield full;
  }
}

const violations = [];
let checked = 0;
for (const [zone, rule] of Object.entries(RULES)) {
  for (const file of sourceFiles(path.join(root, zone))) {
    checked += 1;
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(SPECIFIER)) {
      const specifier = match[2];
      const target = specifier.startsWith('.')
        ? path.relative(root, path.resolve(path.dirname(file), specifier)).split(path.sep).join('/')
        : null;
      const problem = rule(specifier, target);
      if (problem) {
        const line = text.slice(0, match.index).split('\n').length;
        violations.push(`${path.relative(root, file)}:${line}: imports '${specifier}': ${problem}`);
      }
    }
  }
}

if (violations.length > 0) {
  console.error(`check-boundaries: ${violations.length} violation(s)`);
  for (const violation of violations) console.error(`  ${violation}`);
  process.exit(1);
}
console.log(`check-boundaries: ${checked} files, no violations`);

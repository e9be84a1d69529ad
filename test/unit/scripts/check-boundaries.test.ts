import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../../..');
const script = path.join(root, 'scripts/check-boundaries.mjs');

function check(tree: string) {
  const { status, stdout, stderr } = spawnSync(process.execPath, [script, tree], { encoding: 'utf8', timeout: 30_000 });
  return { status, output: stdout + stderr };
}

const trees: string[] = [];
afterEach(() => {
  for (const tree of trees.splice(0)) rmSync(tree, { recursive: true, force: true });
});

/** A small repo tree that follows every rule; `files` adds or overrides files in it. */
function tree(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'hls-relay-boundaries-'));
  trees.push(dir);
  const all: Record<string, string> = {
    'src-main/shared/relay-types.ts': "import type { ErrorCode } from './error-codes.js';\nexport type X = ErrorCode;\n",
    'src-main/shared/error-codes.ts': "export type ErrorCode = 'internal';\n",
    'src-main/core/relay/relay.ts': "import { createServer } from 'node:http';\nimport type { X } from '../../shared/relay-types.js';\nexport { createServer };\nexport type Y = X;\n",
    'src-main/electron/main.ts': "import { app } from 'electron';\nimport { createServer } from '../core/relay/relay.js';\nexport { app, createServer };\n",
    'src-renderer/lib/api.ts': "import type { X } from '../../src-main/shared/relay-types.js';\nexport type Z = X;\n",
    'src-renderer/vite.config.ts': "import { fileURLToPath } from 'node:url';\nexport default fileURLToPath;\n",
    ...files,
  };
  for (const [file, text] of Object.entries(all)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

describe('scripts/check-boundaries.mjs', () => {
  it('passes on this repository', () => {
    const { status, output } = check(root);
    expect(output).toMatch(/no violations/);
    expect(status).toBe(0);
  });

  it('passes on a tree that follows the rules (build config may use Node)', () => {
    const { status, output } = check(tree());
    // shared ×2, core, renderer api.ts; vite.config.ts is skipped and src-main/electron has no rule
    expect(output).toMatch(/4 files, no violations/);
    expect(status).toBe(0);
  });

  it.each([
    ['core importing electron', 'src-main/core/tray.ts', "import { Tray } from 'electron';", /the engine never imports Electron/],
    ['core importing electron-store', 'src-main/core/save.ts', "import Store from 'electron-store';", /never imports Electron/],
    ['core requiring electron', 'src-main/core/x.cjs', "const { app } = require('electron');", /never imports Electron/],
    ['core importing electron dynamically', 'src-main/core/y.ts', "const e = await import('electron/main');", /never imports Electron/],
    ['core importing the shell', 'src-main/core/z.ts', "import type { A } from '../electron/main.js';", /never imports from src-main\/electron/],
    ['core re-exporting the CLI', 'src-main/core/w.ts', "export * from '../cli/main.js';", /src-main\/cli/],
    ['shared importing node:', 'src-main/shared/time.ts', "import { setTimeout } from 'node:timers';", /types and contracts only/],
    ['shared importing a package', 'src-main/shared/m3u.ts', "import { Parser } from 'm3u8-parser';", /types and contracts only/],
    ['shared importing core', 'src-main/shared/bad.ts', "import type { Relay } from '../core/relay/relay.js';", /nothing outside src-main\/shared/],
    ['renderer importing node:', 'src-renderer/lib/fs.ts', "import { readFile } from 'node:fs/promises';", /the window has no Node/],
    ['renderer importing a bare built-in', 'src-renderer/lib/path.ts', "import path from 'path';", /the window has no Node/],
    ['renderer importing electron', 'src-renderer/lib/ipc.ts', "import { ipcRenderer } from 'electron';", /preload bridge/],
    [
      'renderer importing core (multi-line, in a component)',
      'src-renderer/App.svelte',
      "<script lang=\"ts\">import {\n    createRelay,\n  } from '../src-main/core/relay/relay.js';\n</script>",
      /RelayClient, not src-main\/core/,
    ],
  ])('fails on %s and names the file and line', (_case, file, text, problem) => {
    const { status, output } = check(tree({ [file]: `// header\n${text}\n` }));
    expect(status).toBe(1);
    expect(output).toMatch(problem);
    expect(output).toContain(`${file}:2:`);
  });
});

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEV_SERVER_ENV } from '../../../src-main/electron/window-policy.js';

const root = path.resolve(import.meta.dirname, '../../..');
const script = path.join(root, 'scripts/start-desktop.mjs');

describe('scripts/start-desktop.mjs', () => {
  it('hands Electron the dev server URL under the name the main process reads', () => {
    expect(readFileSync(script, 'utf8')).toContain(`const DEV_SERVER_ENV = '${DEV_SERVER_ENV}';`);
  });

  it('explains what to do when the Electron binary is missing, before building anything', () => {
    // Points the electron package at a folder without a binary, also on machines that have one.
    const env = { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: '/nonexistent-electron-dist' };
    const { status, stderr, stdout } = spawnSync(process.execPath, [script], { cwd: root, env, encoding: 'utf8', timeout: 30_000 });
    expect(status).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain('needs the Electron binary');
    expect(stderr).toContain('node node_modules/electron/install.js');
    expect(stderr).toContain('npm run serve');
  });
});

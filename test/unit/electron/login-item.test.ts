import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Settings } from 'electron';
import { afterEach, describe, expect, it } from 'vitest';
import {
  AUTOSTART_FILE,
  applyStartAtLogin,
  autostartDesktopEntry,
  autostartDirectory,
  launchCommand,
  quoteExecArgument,
} from '../../../src-main/electron/login-item.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function deps(platform: NodeJS.Platform, command = ['/opt/HLS Relay/hls-relay']) {
  const dir = mkdtempSync(path.join(tmpdir(), 'hls-relay-autostart-'));
  dirs.push(dir);
  const calls: Settings[] = [];
  return {
    calls,
    autostartDir: path.join(dir, 'autostart'),
    deps: { platform, command, autostartDir: path.join(dir, 'autostart'), setLoginItemSettings: (settings: Settings) => calls.push(settings) },
  };
}

describe('start at login', () => {
  it('writes and removes an XDG autostart entry on Linux', () => {
    const { deps: linux, autostartDir, calls } = deps('linux');
    applyStartAtLogin(true, linux);
    const entry = readFileSync(path.join(autostartDir, AUTOSTART_FILE), 'utf8');
    expect(entry).toContain('[Desktop Entry]');
    expect(entry).toContain('Exec="/opt/HLS Relay/hls-relay" --hidden\n');
    applyStartAtLogin(false, linux);
    expect(existsSync(path.join(autostartDir, AUTOSTART_FILE))).toBe(false);
    applyStartAtLogin(false, linux); // already off: no error
    expect(calls).toEqual([]);
  });

  it('uses the login item on macOS and Windows, hidden on Windows', () => {
    const mac = deps('darwin');
    applyStartAtLogin(true, mac.deps);
    expect(mac.calls).toEqual([{ openAtLogin: true }]);

    const windows = deps('win32', ['C:\\Program Files\\HLS Relay\\HLS Relay.exe']);
    applyStartAtLogin(true, windows.deps);
    applyStartAtLogin(false, windows.deps);
    expect(windows.calls).toEqual([
      { openAtLogin: true, path: 'C:\\Program Files\\HLS Relay\\HLS Relay.exe', args: ['--hidden'] },
      { openAtLogin: false, path: 'C:\\Program Files\\HLS Relay\\HLS Relay.exe', args: ['--hidden'] },
    ]);
  });

  it('starts the AppImage when there is one, and electron with the app folder in development', () => {
    expect(launchCommand({ isPackaged: true, execPath: '/tmp/.mount_x/hls-relay', appPath: '/x', appImage: '/home/me/HLS.AppImage' })).toEqual([
      '/home/me/HLS.AppImage',
    ]);
    expect(launchCommand({ isPackaged: true, execPath: '/usr/lib/hls-relay/hls-relay', appPath: '/x', appImage: undefined })).toEqual([
      '/usr/lib/hls-relay/hls-relay',
    ]);
    expect(launchCommand({ isPackaged: false, execPath: '/repo/node_modules/electron/dist/electron', appPath: '/repo', appImage: undefined })).toEqual([
      '/repo/node_modules/electron/dist/electron',
      '/repo',
    ]);
  });

  it('quotes Exec arguments as the Desktop Entry spec says', () => {
    expect(quoteExecArgument('/usr/bin/hls-relay')).toBe('/usr/bin/hls-relay');
    expect(quoteExecArgument('/opt/My App/run')).toBe('"/opt/My App/run"');
    expect(quoteExecArgument('/opt/$HOME/a"b`c')).toBe('"/opt/\\$HOME/a\\"b\\`c"');
    expect(quoteExecArgument('/opt/100%/x')).toBe('/opt/100%%/x');
    expect(autostartDesktopEntry(['/opt/a\\b'])).toContain('Exec="/opt/a\\\\\\\\b" --hidden');
  });

  it('follows XDG_CONFIG_HOME', () => {
    expect(autostartDirectory({ XDG_CONFIG_HOME: '/cfg' }, '/home/me')).toBe('/cfg/autostart');
    expect(autostartDirectory({ XDG_CONFIG_HOME: 'relative' }, '/home/me')).toBe('/home/me/.config/autostart');
    expect(autostartDirectory({}, '/home/me')).toBe('/home/me/.config/autostart');
  });
});

/**
 * The composition root (main.ts) with the real engine, the real settings store (conf, as electron-store
 * is conf underneath) and a real HTTP server; only Electron itself is a recording stand-in
 * (fake-electron.ts), because no Electron binary runs here.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { MenuItemConstructorOptions } from 'electron';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { IPC_CHANNELS, IPC_SUBSCRIBE_CHANNEL, IPC_UPDATE_CHANNEL, type IpcResult } from '../../../src-main/shared/ipc-contract.js';
import * as fake from './fake-electron.js';

vi.mock('electron', () => import('./fake-electron.js'));
vi.mock('electron-store', async () => ({ default: (await import('conf')).default }));

const dir = mkdtempSync(path.join(tmpdir(), 'hls-relay-main-'));
const configFile = path.join(dir, 'user', 'config.json');
const previousXdg = process.env.XDG_CONFIG_HOME;

async function waitFor<T>(read: () => T | undefined | null | false, what: string, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const config = () => JSON.parse(readFileSync(configFile, 'utf8')) as { port: number; token: string; startAtLogin: boolean; lineup: { channels: { id: string }[] } };
const window = () => fake.BrowserWindow.all[0]!;
const tray = () => fake.Tray.all[0]!;

/** Calls an IPC handler the way Electron would for a message from `frameUrl` in our window. */
function invoke(channel: string, values: unknown[], frameUrl = window().webContents.mainFrame.url): Promise<IpcResult<unknown>> {
  const handler = fake.ipcMain.handlers.get(channel);
  if (!handler) throw new Error(`no handler for ${channel}`);
  const event = { sender: window().webContents, senderFrame: { url: frameUrl, parent: null } };
  return Promise.resolve((handler as (...args: unknown[]) => unknown)(event, ...values) as IpcResult<unknown>);
}

function menuItem(id: string): MenuItemConstructorOptions {
  const search = (items: MenuItemConstructorOptions[]): MenuItemConstructorOptions | undefined => {
    for (const item of items) {
      if (item.id === id) return item;
      const inner = Array.isArray(item.submenu) ? search(item.submenu) : undefined;
      if (inner) return inner;
    }
    return undefined;
  };
  const item = search(tray().menus.at(-1) as MenuItemConstructorOptions[]);
  if (!item) throw new Error(`no menu item ${id}`);
  return item;
}

beforeAll(async () => {
  fake.state.paths = { userData: path.join(dir, 'user'), logs: path.join(dir, 'logs') };
  process.env.XDG_CONFIG_HOME = path.join(dir, 'xdg');
  await import('../../../src-main/electron/main.js');
  await waitFor(() => fake.Tray.all.length === 1 && fake.ipcMain.handlers.has(IPC_SUBSCRIBE_CHANNEL), 'the app to start');
  expect(fake.state.errors).toEqual([]);
});

afterAll(async () => {
  if (fake.state.exitCode === null) {
    fake.app.quit();
    await waitFor(() => fake.state.exitCode !== null, 'the app to quit');
  }
  if (previousXdg === undefined) delete process.env.XDG_CONFIG_HOME;
  else process.env.XDG_CONFIG_HOME = previousXdg;
  rmSync(dir, { recursive: true, force: true });
});

describe('desktop shell composition (real engine, fake Electron)', () => {
  it('chooses and saves a port and a token on the first run, and serves the control API with them', async () => {
    const { port, token } = config();
    expect(port).toBeGreaterThanOrEqual(5000);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const authorized = await fetch(`http://127.0.0.1:${port}/api/overview`, { headers: { Authorization: `Bearer ${token}` } });
    expect(authorized.status).toBe(200);
    expect(((await authorized.json()) as { server: { baseUrl: string } }).server.baseUrl).toBe(`http://127.0.0.1:${port}`);
    expect((await fetch(`http://127.0.0.1:${port}/api/overview`)).status).toBe(401);
  });

  it('opens one locked-down window on the built page', () => {
    expect(fake.BrowserWindow.all).toHaveLength(1);
    expect(window().options.webPreferences).toMatchObject({
      contextIsolation: true,
      nodeIntegration: false,
      sandbox: true,
      webSecurity: true,
      preload: path.join(process.cwd(), 'dist/preload/preload.cjs'),
    });
    expect(window().loaded).toBe(path.join(process.cwd(), 'dist/renderer/index.html'));
    expect(window().visible).toBe(true);
  });

  it('denies new windows and permissions, sends http links to the browser and adds the CSP header', () => {
    expect(fake.state.windowOpenHandler?.({ url: 'https://www.videolan.org/' })).toEqual({ action: 'deny' });
    expect(fake.state.windowOpenHandler?.({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    expect(fake.state.openedExternally).toEqual(['https://www.videolan.org/']);
    expect(window().webContents.emitPreventable('will-navigate')).toBe(true);
    const grants: boolean[] = [];
    fake.state.permissionHandler?.(null, 'media', (granted) => grants.push(granted));
    expect(grants).toEqual([false]);
    let headers: unknown;
    fake.state.headersHandler?.({ responseHeaders: { 'content-security-policy': ['x'] } }, (response) => (headers = response));
    expect(headers).toEqual({ responseHeaders: { 'Content-Security-Policy': [expect.stringContaining("script-src 'self'")] } });
  });

  it('hides the window instead of closing it while the app runs', () => {
    window().close();
    expect(fake.BrowserWindow.all).toHaveLength(1);
    expect(window().visible).toBe(false);
    fake.app.emit('second-instance');
    expect(window().visible).toBe(true);
  });

  it('answers the window over IPC, checks the sender and the arguments, and saves the lineup', async () => {
    const added = await invoke(IPC_CHANNELS.addChannel, [{ name: 'News', sources: [{ url: 'http://127.0.0.1:9/news.m3u8' }] }]);
    expect(added).toMatchObject({ ok: true, value: { id: 'news', name: 'News' } });
    await waitFor(() => config().lineup.channels.some((channel) => channel.id === 'news'), 'the lineup to be saved');
    expect(readFileSync(`${configFile}.bak`, 'utf8')).toBe(readFileSync(configFile, 'utf8'));

    expect(await invoke(IPC_CHANNELS.timeline, ['News'])).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(await invoke(IPC_CHANNELS.overview, [], 'https://evil.test/')).toMatchObject({ ok: false, error: { code: 'forbidden-origin' } });
    expect(await invoke(IPC_CHANNELS.openInVlc, ['file:///etc/passwd'])).toMatchObject({ ok: false, error: { code: 'invalid-url' } });
  });

  it('pushes a full channel list to the window when it subscribes', async () => {
    window().webContents.sent.length = 0;
    expect(await invoke(IPC_SUBSCRIBE_CHANNEL, [])).toEqual({ ok: true, value: null });
    const update = await waitFor(() => window().webContents.sent.find((message) => message.channel === IPC_UPDATE_CHANNEL), 'an update');
    expect(update.payload).toMatchObject({ type: 'channels', channels: [{ id: 'news' }] });
  });

  it('shows the channels in the tray menu and its tooltip, with working items', async () => {
    await waitFor(() => tray().menus.some((menu) => JSON.stringify(menu).includes('channel:news')), 'the menu to list the channel');
    expect(tray().tooltip).toMatch(/^HLS Relay — 0 of 1 channel playing/);
    expect(path.basename(tray().image)).toBe(process.platform === 'darwin' ? 'trayTemplate.png' : 'tray.png');
    expect(menuItem('source:news:s1')).toMatchObject({ type: 'radio', checked: true });
    (menuItem('copy:news').click as () => void)();
    expect(fake.state.clipboard).toBe(`http://127.0.0.1:${config().port}/stream/news`);
    (menuItem('copy-playlist').click as () => void)();
    expect(fake.state.clipboard).toBe(`http://127.0.0.1:${config().port}/channels.m3u`);
  });

  it('turns Start at login on from the tray: saved, registered with the OS, and checked in the menu', async () => {
    expect(menuItem('start-at-login').checked).toBe(false);
    (menuItem('start-at-login').click as () => void)();
    await waitFor(() => config().startAtLogin, 'the setting to be saved');
    if (process.platform === 'linux') {
      expect(readFileSync(path.join(dir, 'xdg/autostart/hls-relay.desktop'), 'utf8')).toContain('--hidden');
    } else {
      expect(fake.state.loginItem).toContainEqual(expect.objectContaining({ openAtLogin: true }));
    }
    await waitFor(() => menuItem('start-at-login').checked, 'the menu to show it');
  });

  it('shuts the relay down and exits cleanly on quit', async () => {
    const { port } = config();
    (menuItem('quit').click as () => void)();
    await waitFor(() => fake.state.exitCode === 0, 'a clean exit');
    expect(tray().destroyed).toBe(true);
    expect(fake.ipcMain.handlers.size).toBe(0);
    await expect(fetch(`http://127.0.0.1:${port}/api/overview`)).rejects.toThrow();
    expect(existsSync(path.join(dir, 'logs', 'hls-relay.log'))).toBe(true);
  });
});

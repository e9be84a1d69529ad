import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { GROUP_MENU_THRESHOLD, UNGROUPED_LABEL, buildTrayMenu, type TrayMenuActions } from '../../../src-main/electron/tray-menu.js';
import { deriveTrayMenuView } from '../../../src-main/electron/tray-menu-view.js';
import type { ChannelSnapshot } from '../../../src-main/shared/relay-types.js';
import { SERVER, channel } from './snapshot-fixtures.js';

/** Actions that record what was called, so a click's effect is visible. */
function recordingActions() {
  const calls: unknown[][] = [];
  const record =
    (name: string) =>
    (...args: unknown[]) => {
      calls.push([name, ...args]);
    };
  const actions: TrayMenuActions = {
    switchSource: record('switchSource'),
    nextSource: record('nextSource'),
    copyStreamUrl: record('copyStreamUrl'),
    openInVlc: record('openInVlc'),
    copyPlaylistUrl: record('copyPlaylistUrl'),
    copyWebUiLink: record('copyWebUiLink'),
    openWindow: record('openWindow'),
    setStartAtLogin: record('setStartAtLogin'),
    quit: record('quit'),
  };
  return { actions, calls };
}

function menuFor(
  channels: ChannelSnapshot[],
  options: { startAtLogin?: boolean; server?: typeof SERVER | null; webUiLink?: string } = {},
) {
  const { actions, calls } = recordingActions();
  const view = deriveTrayMenuView(channels, {
    server: options.server === undefined ? SERVER : options.server,
    webUiLink: options.webUiLink ?? null,
    startAtLogin: options.startAtLogin ?? false,
  });
  return { menu: buildTrayMenu(view, actions), calls };
}

function find(items: MenuItemConstructorOptions[], id: string): MenuItemConstructorOptions {
  for (const item of items) {
    if (item.id === id) return item;
    if (Array.isArray(item.submenu)) {
      const found = findOrNull(item.submenu, id);
      if (found) return found;
    }
  }
  throw new Error(`no menu item ${id}`);
}

function findOrNull(items: MenuItemConstructorOptions[], id: string): MenuItemConstructorOptions | null {
  try {
    return find(items, id);
  } catch {
    return null;
  }
}

function click(item: MenuItemConstructorOptions): void {
  (item.click as () => void)();
}

function submenu(item: MenuItemConstructorOptions): MenuItemConstructorOptions[] {
  if (!Array.isArray(item.submenu)) throw new Error(`${item.id} has no submenu`);
  return item.submenu;
}

describe('buildTrayMenu', () => {
  it('gives each channel a submenu with its sources as radio items, the active one checked', () => {
    const { menu } = menuFor([channel('news', { activeSourceId: 'b' }), channel('sport')]);
    const news = submenu(find(menu, 'channel:news'));
    const radios = news.filter((item) => item.type === 'radio');
    expect(radios.map((item) => [item.label, item.checked])).toEqual([
      ['Source A', false],
      ['Source B', true],
      ['Source C', false],
    ]);
    expect(news.map((item) => item.label ?? item.type)).toEqual([
      'Source A',
      'Source B',
      'Source C',
      'separator',
      'Next source',
      'Copy stream URL',
      'Open in VLC',
    ]);
  });

  it('switches to the clicked source of the right channel at once', () => {
    const { menu, calls } = menuFor([channel('news'), channel('sport')]);
    click(find(menu, 'source:sport:c'));
    expect(calls).toEqual([['switchSource', 'sport', 'c']]);
  });

  it('wires Next source, Copy stream URL and Open in VLC to their channel', () => {
    const { menu, calls } = menuFor([channel('news'), channel('sport')]);
    click(find(menu, 'next:news'));
    click(find(menu, 'copy:sport'));
    click(find(menu, 'vlc:news'));
    expect(calls).toEqual([
      ['nextSource', 'news'],
      ['copyStreamUrl', 'sport'],
      ['openInVlc', 'news'],
    ]);
  });

  it('disables Next source for a channel with one source', () => {
    const single = channel('solo', { sources: [{ id: 'a', url: 'http://origin.test/a.m3u8', label: 'Only' }] });
    const { menu } = menuFor([single]);
    expect(find(menu, 'next:solo').enabled).toBe(false);
  });

  it('marks a failing or stalled channel in its label', () => {
    const { menu } = menuFor([
      channel('news', { state: 'failing' }),
      channel('sport', { state: 'stalled' }),
      channel('music', { state: 'idle' }),
      channel('film', { state: 'playing' }),
      channel('kids', { state: 'failing', enabled: false }),
    ]);
    expect(find(menu, 'channel:news').label).toBe('⚠ NEWS — failing');
    expect(find(menu, 'channel:sport').label).toBe('⚠ SPORT — stalled');
    expect(find(menu, 'channel:music').label).toBe('MUSIC');
    expect(find(menu, 'channel:film').label).toBe('▶ FILM');
    expect(find(menu, 'channel:kids').label).toBe('KIDS (off)');
  });

  it('groups channels by group when there are more than the threshold, ungrouped ones last', () => {
    const channels = Array.from({ length: GROUP_MENU_THRESHOLD + 1 }, (_, index) =>
      channel(`c${index}`, { group: index === 0 ? null : index % 2 === 0 ? 'Sports' : 'News', state: index === 4 ? 'failing' : 'playing' }),
    );
    const { menu, calls } = menuFor(channels);
    const groups = menu.filter((item) => item.id?.startsWith('group:'));
    expect(groups.map((item) => item.label)).toEqual(['News', '⚠ Sports', UNGROUPED_LABEL]);
    expect(menu.some((item) => item.id?.startsWith('channel:'))).toBe(false);
    expect(submenu(groups[1]!).map((item) => item.id)).toEqual(
      channels.filter((_, index) => index !== 0 && index % 2 === 0).map((item) => `channel:${item.id}`),
    );
    click(find(menu, 'source:c4:b'));
    expect(calls).toEqual([['switchSource', 'c4', 'b']]);
  });

  it('keeps one submenu per channel up to the threshold', () => {
    const channels = Array.from({ length: GROUP_MENU_THRESHOLD }, (_, index) => channel(`c${index}`, { group: 'Sports' }));
    const { menu } = menuFor(channels);
    expect(menu.filter((item) => item.id?.startsWith('channel:'))).toHaveLength(GROUP_MENU_THRESHOLD);
  });

  it('shows Start at login checked from the setting and toggles it', () => {
    const on = menuFor([channel('news')], { startAtLogin: true });
    expect(find(on.menu, 'start-at-login')).toMatchObject({ type: 'checkbox', checked: true });
    click(find(on.menu, 'start-at-login'));
    expect(on.calls).toEqual([['setStartAtLogin', false]]);

    const off = menuFor([channel('news')], { startAtLogin: false });
    expect(find(off.menu, 'start-at-login').checked).toBe(false);
    click(find(off.menu, 'start-at-login'));
    expect(off.calls).toEqual([['setStartAtLogin', true]]);
  });

  it('ends with the app-wide items', () => {
    const { menu, calls } = menuFor([channel('news')]);
    expect(menu.slice(1).map((item) => item.label ?? item.type)).toEqual([
      'separator',
      'Copy playlist URL (all channels)',
      'Open window',
      'separator',
      'Start at login',
      'separator',
      'Quit HLS Relay',
    ]);
    click(find(menu, 'copy-playlist'));
    click(find(menu, 'open-window'));
    click(find(menu, 'quit'));
    expect(calls).toEqual([['copyPlaylistUrl'], ['openWindow'], ['quit']]);
  });

  it('offers the web UI link for other devices only when there is one (LAN on)', () => {
    expect(findOrNull(menuFor([channel('news')]).menu, 'copy-web-ui')).toBeNull();
    const lan = menuFor([channel('news')], { webUiLink: 'http://192.168.1.20:5000/ui/#token=abc' });
    click(find(lan.menu, 'copy-web-ui'));
    expect(lan.calls).toEqual([['copyWebUiLink']]);
  });

  it('says so when there are no channels', () => {
    const { menu } = menuFor([]);
    expect(menu[0]).toMatchObject({ enabled: false, label: expect.stringContaining('No channels') });
  });

  it('disables URL items until the server listens', () => {
    const { menu } = menuFor([channel('news')], { server: null });
    expect(find(menu, 'copy:news').enabled).toBe(false);
    expect(find(menu, 'vlc:news').enabled).toBe(false);
    expect(find(menu, 'copy-playlist').enabled).toBe(false);
  });
});

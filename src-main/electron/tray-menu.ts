import type { MenuItemConstructorOptions } from 'electron';
import type { TrayChannelView, TrayMenuView } from './tray-menu-view.js';

/** What the tray menu's items do; the tray glue wires them to the relay, the clipboard and the app. */
export interface TrayMenuActions {
  switchSource(channelId: string, sourceId: string): void;
  nextSource(channelId: string): void;
  copyStreamUrl(channelId: string): void;
  openInVlc(channelId: string): void;
  copyPlaylistUrl(): void;
  copyWebUiLink(): void;
  openWindow(): void;
  setStartAtLogin(enabled: boolean): void;
  quit(): void;
}

/** Above this many channels the menu gets one submenu per group instead of one per channel. */
export const GROUP_MENU_THRESHOLD = 15;

export const UNGROUPED_LABEL = 'Other channels';

/** The tray menu template for `view`. Pure: the same view always gives the same template. */
export function buildTrayMenu(view: TrayMenuView, actions: TrayMenuActions): MenuItemConstructorOptions[] {
  const channelItems =
    view.channels.length === 0
      ? [{ label: 'No channels yet — open the window to add some', enabled: false }]
      : view.channels.length > GROUP_MENU_THRESHOLD
        ? groupItems(view.channels, actions)
        : view.channels.map((channel) => channelItem(channel, actions));

  return [
    ...channelItems,
    { type: 'separator' },
    {
      id: 'copy-playlist',
      label: 'Copy playlist URL (all channels)',
      enabled: view.playlistUrl !== null,
      click: () => actions.copyPlaylistUrl(),
    },
    ...(view.webUiLink === null
      ? []
      : [{ id: 'copy-web-ui', label: 'Copy web UI link for other devices', click: () => actions.copyWebUiLink() }]),
    { id: 'open-window', label: 'Open window', click: () => actions.openWindow() },
    { type: 'separator' },
    {
      id: 'start-at-login',
      label: 'Start at login',
      type: 'checkbox',
      checked: view.startAtLogin,
      click: () => actions.setStartAtLogin(!view.startAtLogin),
    },
    { type: 'separator' },
    { id: 'quit', label: 'Quit HLS Relay', click: () => actions.quit() },
  ];
}

/** The channel's menu label: the state a user should notice is in the words, not only in an icon. */
export function channelLabel(channel: TrayChannelView): string {
  if (!channel.enabled) return `${channel.name} (off)`;
  switch (channel.status) {
    case 'failing':
      return `⚠ ${channel.name} — failing`;
    case 'stalled':
      return `⚠ ${channel.name} — stalled`;
    case 'retrying':
      return `${channel.name} — retrying`;
    case 'playing':
      return `▶ ${channel.name}`;
    case 'quiet':
      return channel.name;
  }
}

function channelItem(channel: TrayChannelView, actions: TrayMenuActions): MenuItemConstructorOptions {
  const sourceItems: MenuItemConstructorOptions[] =
    channel.sources.length === 0
      ? [{ label: 'No sources', enabled: false }]
      : channel.sources.map((source) => ({
          id: `source:${channel.id}:${source.id}`,
          label: source.label,
          type: 'radio',
          checked: source.id === channel.activeSourceId,
          click: () => actions.switchSource(channel.id, source.id),
        }));
  return {
    id: `channel:${channel.id}`,
    label: channelLabel(channel),
    submenu: [
      ...sourceItems,
      { type: 'separator' },
      {
        id: `next:${channel.id}`,
        label: 'Next source',
        enabled: channel.sources.length > 1,
        click: () => actions.nextSource(channel.id),
      },
      {
        id: `copy:${channel.id}`,
        label: 'Copy stream URL',
        enabled: channel.streamUrl !== null,
        click: () => actions.copyStreamUrl(channel.id),
      },
      {
        id: `vlc:${channel.id}`,
        label: 'Open in VLC',
        enabled: channel.streamUrl !== null,
        click: () => actions.openInVlc(channel.id),
      },
    ],
  };
}

function groupItems(channels: readonly TrayChannelView[], actions: TrayMenuActions): MenuItemConstructorOptions[] {
  const groups = new Map<string, TrayChannelView[]>();
  for (const channel of channels) {
    const name = channel.group ?? UNGROUPED_LABEL;
    groups.set(name, [...(groups.get(name) ?? []), channel]);
  }
  // Groups keep lineup order, except that channels without a group come last.
  const ordered = [...groups].sort(([a], [b]) => Number(a === UNGROUPED_LABEL) - Number(b === UNGROUPED_LABEL));
  return ordered.map(([name, members]) => {
    const failing = members.some((channel) => channel.enabled && channel.status === 'failing');
    return {
      id: `group:${name}`,
      label: failing ? `⚠ ${name}` : name,
      submenu: members.map((channel) => channelItem(channel, actions)),
    };
  });
}

import path from 'node:path';
import { Menu, Tray, clipboard, nativeImage } from 'electron';
import { toErrorInfo } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { Relay } from '../core/relay/relay.js';
import type { SwitchOutcome, SwitchTarget } from '../shared/relay-client.js';
import type { ChannelSnapshot, ServerInfo } from '../shared/relay-types.js';
import { applyRelayUpdate } from './channel-list.js';
import { createThrottle } from './throttle.js';
import { trayIconFile, trayIconVariant, type TrayIconVariant } from './tray-icon.js';
import { buildTrayMenu, type TrayMenuActions } from './tray-menu.js';
import { deriveTrayMenuView, sameTrayMenuView, type TrayMenuView } from './tray-menu-view.js';
import { trayTooltip } from './tray-tooltip.js';

export interface TrayDeps {
  relay: Relay;
  server: ServerInfo;
  /** The web UI link for other devices (LAN on), or null. */
  webUiLink: string | null;
  /** Folder holding tray.png, trayTemplate.png, tray-failing.png and their @2x siblings. */
  iconDir: string;
  startAtLogin(): boolean;
  setStartAtLogin(enabled: boolean): void;
  openWindow(): void;
  quit(): void;
  openInVlc(url: string): Promise<void>;
  /** Tells the user an action failed (the tray has no window to show it in). */
  report(title: string, body: string): void;
  logger: Logger;
}

export interface TrayHandle {
  /** Re-reads what the menu shows from outside the relay (the start-at-login setting). */
  refresh(): void;
  destroy(): void;
}

/** Rebuilding a native menu is not free; state the menu shows changes far less often than this anyway. */
const MENU_REBUILD_INTERVAL_MS = 500;

/** The tray icon, its tooltip and its menu, kept in step with the relay's updates. */
export function setupTray(deps: TrayDeps): TrayHandle {
  const image = (variant: TrayIconVariant) =>
    nativeImage.createFromPath(path.join(deps.iconDir, trayIconFile(process.platform, variant)));
  const tray = new Tray(image('normal'));
  let channels: readonly ChannelSnapshot[] = [];
  let builtView: TrayMenuView | null = null;
  let variant: TrayIconVariant = 'normal';
  let tooltip = '';

  const currentView = () =>
    deriveTrayMenuView(channels, { server: deps.server, webUiLink: deps.webUiLink, startAtLogin: deps.startAtLogin() });
  const menu = createThrottle(() => {
    const view = currentView();
    if (tray.isDestroyed() || (builtView !== null && sameTrayMenuView(view, builtView))) return;
    builtView = view;
    // Linux only picks up a changed menu when it is set again.
    tray.setContextMenu(Menu.buildFromTemplate(buildTrayMenu(view, actions)));
  }, MENU_REBUILD_INTERVAL_MS);

  const refresh = (force = false) => {
    if (tray.isDestroyed()) return;
    const nextTooltip = trayTooltip(channels, deps.server);
    if (nextTooltip !== tooltip) tray.setToolTip((tooltip = nextTooltip));
    const nextVariant = trayIconVariant(channels);
    if (nextVariant !== variant) tray.setImage(image((variant = nextVariant)));
    if (force) builtView = null;
    if (builtView === null || !sameTrayMenuView(currentView(), builtView)) menu.request();
  };

  const switchTo = (channelId: string, target: SwitchTarget) => {
    deps.relay.switchSource(channelId, { target, pin: true }).then(
      (outcome: SwitchOutcome) => {
        if (outcome.ok) return;
        deps.report(`Could not switch ${outcome.channel.name}`, outcome.message);
        // The radio item already moved; put it back on the source that is really playing.
        refresh(true);
      },
      (error: unknown) => {
        deps.report('Could not switch source', toErrorInfo(error).message);
        refresh(true);
      },
    );
  };
  const streamUrl = (channelId: string) => builtView?.channels.find((channel) => channel.id === channelId)?.streamUrl ?? null;

  const actions: TrayMenuActions = {
    switchSource: (channelId, sourceId) => switchTo(channelId, { sourceId }),
    nextSource: (channelId) => switchTo(channelId, { direction: 'next' }),
    copyStreamUrl(channelId) {
      const url = streamUrl(channelId);
      if (url) clipboard.writeText(url);
    },
    openInVlc(channelId) {
      const url = streamUrl(channelId);
      if (url) deps.openInVlc(url).catch((error: unknown) => deps.report('Could not open VLC', toErrorInfo(error).message));
    },
    copyPlaylistUrl: () => clipboard.writeText(deps.server.playlistUrl),
    copyWebUiLink: () => {
      if (deps.webUiLink) clipboard.writeText(deps.webUiLink);
    },
    openWindow: () => deps.openWindow(),
    setStartAtLogin: (enabled) => deps.setStartAtLogin(enabled),
    quit: () => deps.quit(),
  };

  if (process.platform === 'win32') tray.on('click', () => deps.openWindow());

  let haveList = false;
  const unsubscribe = deps.relay.subscribe((update) => {
    haveList ||= update.type === 'channels';
    channels = applyRelayUpdate(channels, update);
    refresh();
  });
  deps.relay.overview().then(
    (overview) => {
      if (!haveList) channels = overview.channels;
      refresh();
    },
    (error: unknown) => deps.logger.error('tray: could not read the channels', { ...toErrorInfo(error) }),
  );
  refresh();

  return {
    refresh: () => refresh(),
    destroy() {
      unsubscribe();
      menu.cancel();
      if (!tray.isDestroyed()) tray.destroy();
    },
  };
}

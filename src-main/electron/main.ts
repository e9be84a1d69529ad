import { homedir, networkInterfaces } from 'node:os';
import { app, dialog, session } from 'electron';
import ElectronStore from 'electron-store';
import { toErrorInfo } from '../core/errors.js';
import { createRelay } from '../core/relay/create-relay.js';
import type { RelaySettings } from '../shared/lineup-types.js';
import { appLayout } from './app-layout.js';
import { createFileLogger } from './file-logger.js';
import { setupIpc } from './ipc-handlers.js';
import { applyStartAtLogin, loginItemDepsFor } from './login-item.js';
import { choosePort } from './port-choice.js';
import { openSettingsStore } from './settings-store.js';
import { startRelayServer, webUiLinkFor } from './start-server.js';
import { setupTray } from './tray.js';
import { setupNotifications, showNotification, showRecoveryNotice } from './user-notices.js';
import { openInVlc } from './vlc.js';
import { createWindowController, hardenSession } from './window.js';
import { DEV_SERVER_ENV, resolveRendererLocation, shouldStartHidden } from './window-policy.js';

const SHUTDOWN_LIMIT_MS = 5000;
let showWindow = () => {};

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => showWindow());
  app.on('activate', () => showWindow());
  app.on('window-all-closed', () => {}); // the relay lives on in the tray
  start().catch((error: unknown) => {
    dialog.showErrorBox('HLS Relay could not start', toErrorInfo(error).message);
    app.exit(1);
  });
}

async function start(): Promise<void> {
  if (process.platform === 'win32') app.setAppUserModelId('io.hlsrelay.app');
  await app.whenReady();
  const layout = appLayout({ appPath: app.getAppPath(), isPackaged: app.isPackaged, resourcesPath: process.resourcesPath });
  const logger = createFileLogger(app.getPath('logs'));
  const report = (title: string, error: unknown) => {
    logger.error(title, { ...toErrorInfo(error) });
    showNotification(title, toErrorInfo(error).message);
  };
  const guard = (title: string, action: () => void) => {
    try {
      action();
    } catch (error) {
      report(title, error);
    }
  };

  const { store, notice } = openSettingsStore({ Store: ElectronStore, cwd: app.getPath('userData') });
  if (notice) void showRecoveryNotice(notice);
  const loaded = await store.load(() => choosePort());
  let settings = loaded.settings;
  const relay = createRelay({ lineup: loaded.lineup, settings, logger });
  const { server, info, movedFrom } = await startRelayServer(relay, {
    settings,
    token: loaded.token,
    uiDir: layout.rendererDir,
    version: app.getVersion(),
  });
  if (movedFrom !== null) {
    showNotification(`Port ${movedFrom} is in use`, `HLS Relay uses ${info.baseUrl} until it is free: stream URLs differ this time.`);
  }

  const location = resolveRendererLocation({ ...layout, isPackaged: app.isPackaged, devServerUrl: process.env[DEV_SERVER_ENV] });
  hardenSession(session.defaultSession, location);
  let quitting = false;
  const window = createWindowController({
    location,
    preloadPath: layout.preload,
    iconPath: layout.windowIcon,
    isQuitting: () => quitting,
    // A tray app has no Dock icon on macOS while its window is hidden.
    onVisibilityChange: (visible) => void (visible ? app.dock?.show() : app.dock?.hide()),
  });
  showWindow = () => window.show();

  const vlc = (url: string) => openInVlc(url, { platform: process.platform, env: process.env, homedir: homedir() });
  const loginItem = loginItemDepsFor(app, process.env, homedir());
  // Re-registered at each packaged start: an AppImage or app bundle may have moved since.
  if (app.isPackaged && settings.startAtLogin) guard('Could not register "Start at login"', () => applyStartAtLogin(true, loginItem));
  const applySettings = (next: RelaySettings) => {
    const loginChanged = next.startAtLogin !== settings.startAtLogin;
    settings = next;
    store.saveSettings(next);
    if (loginChanged) applyStartAtLogin(next.startAtLogin, loginItem);
    tray.refresh();
  };

  const tray = setupTray({
    relay,
    server: info,
    webUiLink: webUiLinkFor({ lan: settings.lan, port: server.port, token: loaded.token }, networkInterfaces()),
    iconDir: layout.trayIconDir,
    startAtLogin: () => settings.startAtLogin,
    // The change comes back through onSettingsChange, which saves and applies it.
    setStartAtLogin: (enabled) =>
      void relay.updateSettings({ startAtLogin: enabled }).catch((error: unknown) => report('Could not change "Start at login"', error)),
    openWindow: () => showWindow(),
    quit: () => app.quit(),
    openInVlc: vlc,
    report: (title, body) => showNotification(title, body),
    logger,
  });
  const handles = [
    tray,
    setupIpc({ relay, shell: { openInVlc: vlc }, window: () => window.current(), location, logger }),
    setupNotifications({ relay, enabled: () => settings.notifications, onClick: () => showWindow(), logger }),
    { destroy: relay.onSettingsChange((next) => guard('Could not save the settings', () => applySettings(next))) },
    { destroy: relay.onLineupChange((lineup) => guard('Could not save the lineup', () => store.saveLineup(lineup))) },
  ];

  if (shouldStartHidden(process.argv, app.getLoginItemSettings().wasOpenedAtLogin)) void app.dock?.hide();
  else showWindow();

  app.on('before-quit', () => {
    quitting = true;
  });
  let stopping = false;
  app.on('will-quit', (event) => {
    event.preventDefault();
    if (stopping) return;
    stopping = true;
    for (const handle of handles) handle.destroy();
    const limit = new Promise((resolve) => setTimeout(resolve, SHUTDOWN_LIMIT_MS).unref());
    void Promise.race([Promise.allSettled([relay.destroy(), server.close()]), limit]).finally(() => {
      logger.close();
      app.exit(0);
    });
  });
}

import { BrowserWindow, shell, type Session } from 'electron';
import {
  contentSecurityPolicy,
  isExternalHttpUrl,
  isPermissionAllowed,
  type RendererLocation,
} from './window-policy.js';

export interface MainWindowOptions {
  location: RendererLocation;
  preloadPath: string;
  iconPath?: string;
  /** While false, closing the window only hides it: the relay keeps running in the tray. */
  isQuitting(): boolean;
  onVisibilityChange(visible: boolean): void;
}

/** The one window: isolated, sandboxed, no Node, our page only; links go to the system browser. */
export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const window = new BrowserWindow({
    width: 1100,
    height: 760,
    minWidth: 720,
    minHeight: 480,
    show: false,
    title: 'HLS Relay',
    icon: options.iconPath,
    backgroundColor: '#101418',
    autoHideMenuBar: true,
    webPreferences: {
      preload: options.preloadPath,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      sandbox: true,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
    },
  });

  const openExternally = (url: string) => {
    if (isExternalHttpUrl(url)) void shell.openExternal(url);
  };
  window.webContents.on('will-navigate', (event) => {
    event.preventDefault();
    openExternally(event.url);
  });
  window.webContents.on('will-attach-webview', (event) => event.preventDefault());
  window.webContents.setWindowOpenHandler(({ url }) => {
    openExternally(url);
    return { action: 'deny' };
  });

  window.on('close', (event) => {
    if (options.isQuitting()) return;
    event.preventDefault();
    window.hide();
  });
  window.on('show', () => options.onVisibilityChange(true));
  window.on('hide', () => options.onVisibilityChange(false));

  if (options.location.kind === 'file') void window.loadFile(options.location.indexPath);
  else void window.loadURL(`${options.location.origin}/`);
  return window;
}

export interface WindowController {
  /** Shows and focuses the window, creating it the first time. */
  show(): void;
  current(): BrowserWindow | null;
}

/** The window is created when first shown, then only hidden and shown again. */
export function createWindowController(options: MainWindowOptions): WindowController {
  let window: BrowserWindow | null = null;
  return {
    show() {
      window ??= createMainWindow(options);
      window.show();
      window.focus();
    },
    current: () => window,
  };
}

/**
 * Session-wide rules: every permission request refused but clipboard writes, and the CSP sent as a header
 * on every response (the dev server's pages; the built page carries the same policy in a meta tag).
 */
export function hardenSession(session: Session, location: RendererLocation): void {
  session.setPermissionRequestHandler((_contents, permission, callback) => callback(isPermissionAllowed(permission)));
  session.setPermissionCheckHandler((_contents, permission) => isPermissionAllowed(permission));
  const policy = contentSecurityPolicy(location);
  session.webRequest.onHeadersReceived((details, callback) => {
    const headers = Object.fromEntries(
      Object.entries(details.responseHeaders ?? {}).filter(([name]) => name.toLowerCase() !== 'content-security-policy'),
    );
    callback({ responseHeaders: { ...headers, 'Content-Security-Policy': [policy] } });
  });
}

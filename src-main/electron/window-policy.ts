import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Environment variable naming the Vite dev server in development (`npm start`). */
export const DEV_SERVER_ENV = 'HLS_RELAY_DEV_SERVER_URL';

/** Where the window's page comes from: the built file, or the Vite dev server in development. */
export type RendererLocation = { kind: 'file'; indexPath: string } | { kind: 'dev-server'; origin: string };

/**
 * The built renderer (`index.html` in `rendererDir`), unless an unpackaged app is given a loopback
 * dev-server URL: a packaged app never loads a page named by its environment.
 */
export function resolveRendererLocation(options: {
  rendererDir: string;
  isPackaged: boolean;
  devServerUrl: string | undefined;
}): RendererLocation {
  if (!options.isPackaged && options.devServerUrl) {
    const url = new URL(options.devServerUrl);
    if (url.protocol !== 'http:' || !isLoopbackHostname(url.hostname)) {
      throw new Error(`${DEV_SERVER_ENV} must be an http:// URL on localhost, not ${options.devServerUrl}`);
    }
    return { kind: 'dev-server', origin: url.origin };
  }
  return { kind: 'file', indexPath: path.join(options.rendererDir, 'index.html') };
}

function isLoopbackHostname(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '127.0.0.1' || hostname === '[::1]';
}

export function rendererUrl(location: RendererLocation): string {
  return location.kind === 'file' ? pathToFileURL(location.indexPath).href : `${location.origin}/`;
}

/** True for our own page only (any hash or query): the file itself, or any page of the dev server. */
export function isRendererUrl(url: string, location: RendererLocation): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (location.kind === 'dev-server') return parsed.origin === location.origin;
  if (parsed.protocol !== 'file:') return false;
  try {
    return path.resolve(fileURLToPath(parsed)) === path.resolve(location.indexPath);
  } catch {
    return false;
  }
}

/** Facts about the frame that sent an IPC message, read off the Electron event by the glue. */
export interface SenderFacts {
  /** The message came from our window's webContents. */
  fromOurWindow: boolean;
  /** …from its top-level frame (not an iframe). */
  isMainFrame: boolean;
  /** The frame's URL; null when the frame is gone. */
  url: string | null;
}

export function isTrustedSender(sender: SenderFacts, location: RendererLocation): boolean {
  return sender.fromOurWindow && sender.isMainFrame && sender.url !== null && isRendererUrl(sender.url, location);
}

/** Links the window may hand to the system browser; everything else is simply refused. */
export function isExternalHttpUrl(url: string): boolean {
  try {
    const { protocol } = new URL(url);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

/**
 * The window's Content-Security-Policy. Scripts and styles come only from the app (plus the dev server's
 * HMR socket in development); images may be remote because channel logos are links from M3U files.
 */
export function contentSecurityPolicy(location: RendererLocation): string {
  const connect = location.kind === 'dev-server' ? `'self' ${location.origin.replace(/^http/, 'ws')}` : "'self'";
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: http: https:",
    "font-src 'self' data:",
    `connect-src ${connect}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ');
}

/**
 * Permissions the window gets: writing text to the clipboard ("Copy stream URL"), nothing else — no
 * camera, microphone, notifications, geolocation, clipboard reading, …
 */
export function isPermissionAllowed(permission: string): boolean {
  return permission === 'clipboard-sanitized-write';
}

/** True when the app was launched by the login item (it then stays in the tray, window hidden). */
export function shouldStartHidden(argv: readonly string[], openedAtLogin: boolean): boolean {
  return openedAtLogin || argv.includes(HIDDEN_FLAG);
}

/** Passed by the login item on Windows and Linux. */
export const HIDDEN_FLAG = '--hidden';

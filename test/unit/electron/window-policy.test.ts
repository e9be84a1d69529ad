import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  HIDDEN_FLAG,
  contentSecurityPolicy,
  isExternalHttpUrl,
  isPermissionAllowed,
  isRendererUrl,
  isTrustedSender,
  rendererUrl,
  resolveRendererLocation,
  shouldStartHidden,
  type RendererLocation,
} from '../../../src-main/electron/window-policy.js';

const rendererDir = path.resolve('/opt/hls-relay/resources/app.asar/dist/renderer');
const built: RendererLocation = { kind: 'file', indexPath: path.join(rendererDir, 'index.html') };
const dev: RendererLocation = { kind: 'dev-server', origin: 'http://127.0.0.1:5173' };
const pageUrl = pathToFileURL(built.indexPath).href;

describe('resolveRendererLocation', () => {
  it('loads the built page, and ignores a dev server URL in a packaged app', () => {
    expect(resolveRendererLocation({ rendererDir, isPackaged: false, devServerUrl: undefined })).toEqual(built);
    expect(resolveRendererLocation({ rendererDir, isPackaged: true, devServerUrl: 'http://127.0.0.1:5173/' })).toEqual(built);
  });

  it('uses a loopback dev server in development', () => {
    expect(resolveRendererLocation({ rendererDir, isPackaged: false, devServerUrl: 'http://127.0.0.1:5173/' })).toEqual(dev);
    expect(resolveRendererLocation({ rendererDir, isPackaged: false, devServerUrl: 'http://localhost:5174' })).toEqual({
      kind: 'dev-server',
      origin: 'http://localhost:5174',
    });
  });

  it('refuses a remote or non-http dev server', () => {
    expect(() => resolveRendererLocation({ rendererDir, isPackaged: false, devServerUrl: 'http://evil.test:5173/' })).toThrow(/localhost/);
    expect(() => resolveRendererLocation({ rendererDir, isPackaged: false, devServerUrl: 'file:///tmp/x.html' })).toThrow(/localhost/);
  });

  it('gives the URL the window loads', () => {
    expect(rendererUrl(built)).toBe(pageUrl);
    expect(rendererUrl(dev)).toBe('http://127.0.0.1:5173/');
  });
});

describe('isTrustedSender', () => {
  const ours = { fromOurWindow: true, isMainFrame: true, url: `${pageUrl}#/channels/news` };

  it('trusts our window’s main frame on our page', () => {
    expect(isTrustedSender(ours, built)).toBe(true);
    expect(isTrustedSender({ ...ours, url: 'http://127.0.0.1:5173/?x=1' }, dev)).toBe(true);
  });

  it.each([
    ['another window', { ...ours, fromOurWindow: false }],
    ['an iframe', { ...ours, isMainFrame: false }],
    ['a destroyed frame', { ...ours, url: null }],
    ['another local file', { ...ours, url: pathToFileURL(path.join(rendererDir, 'other.html')).href }],
    ['a remote page', { ...ours, url: 'https://evil.test/' }],
    ['garbage', { ...ours, url: 'not a url' }],
  ])('refuses %s', (_case, sender) => {
    expect(isTrustedSender(sender, built)).toBe(false);
  });

  it('refuses another origin in development', () => {
    expect(isRendererUrl('http://127.0.0.1:5174/', dev)).toBe(false);
    expect(isRendererUrl('http://localhost:5173/', dev)).toBe(false);
  });
});

describe('window rules', () => {
  it('opens only http(s) links externally', () => {
    expect(isExternalHttpUrl('https://www.videolan.org/')).toBe(true);
    expect(isExternalHttpUrl('http://127.0.0.1:5000/stream/news')).toBe(true);
    for (const url of ['file:///etc/passwd', 'javascript:alert(1)', 'smb://host/share', 'vlc://x', 'nonsense']) {
      expect(isExternalHttpUrl(url)).toBe(false);
    }
  });

  it('allows clipboard writes and nothing else', () => {
    expect(isPermissionAllowed('clipboard-sanitized-write')).toBe(true);
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'fullscreen']) {
      expect(isPermissionAllowed(permission)).toBe(false);
    }
  });

  it('has a strict CSP: scripts only from the app, no plugins or framing', () => {
    const policy = contentSecurityPolicy(built);
    expect(policy).toContain("default-src 'none'");
    expect(policy).toContain("script-src 'self'");
    expect(policy).not.toMatch(/script-src[^;]*(unsafe|http)/);
    expect(policy).toContain("object-src 'none'");
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).toContain("connect-src 'self'");
  });

  it('lets the dev server’s HMR socket connect in development only', () => {
    expect(contentSecurityPolicy(dev)).toContain("connect-src 'self' ws://127.0.0.1:5173");
    expect(contentSecurityPolicy(built)).not.toContain('ws://');
  });

  it('starts hidden when launched at login', () => {
    expect(shouldStartHidden(['/usr/bin/hls-relay'], false)).toBe(false);
    expect(shouldStartHidden(['/usr/bin/hls-relay', HIDDEN_FLAG], false)).toBe(true);
    expect(shouldStartHidden(['/Applications/HLS Relay.app'], true)).toBe(true);
  });
});

import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveUi as serveUiFiles } from '../../src-main/core/server/static-ui.js';
import { CHROMIUM_PATH, launchChromium } from '../helpers/chromium.js';

/**
 * Looks at the built window in a real Chromium: serves dist/renderer like the relay does (under /ui/),
 * plays the desktop bridge with the in-memory fake relay, saves screenshots of every main view to
 * test-results/screenshots/ and fails on any console error or Content-Security-Policy violation.
 * Build first: npx vite build --config src-renderer/vite.config.ts
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DIST = join(ROOT, 'dist', 'renderer');
const SHOTS = join(ROOT, 'test-results', 'screenshots');
const missing = [
  existsSync(join(DIST, 'index.html')) ? null : `${DIST} (run: npx vite build --config src-renderer/vite.config.ts)`,
  existsSync(CHROMIUM_PATH) ? null : CHROMIUM_PATH,
].filter((item): item is string => item !== null);
if (missing.length > 0) console.warn(`ui-screens: skipped, missing ${missing.join(' and ')}`);

function serveUi(): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    if (path.startsWith('/ui/')) void serveUiFiles(DIST, decodeURIComponent(path.slice('/ui/'.length)), request, response);
    else response.writeHead(404).end();
  });
  return new Promise((done) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      done({ server, url: `http://127.0.0.1:${port}/ui/` });
    });
  });
}

/** The fake bridge (test/renderer/support/install-fake-bridge.ts) as one classic script. */
async function bundleFakeBridge(): Promise<string> {
  const result = await build({
    configFile: false,
    logLevel: 'silent',
    root: ROOT,
    build: {
      write: false,
      minify: false,
      emptyOutDir: false,
      lib: {
        entry: resolve(ROOT, 'test/renderer/support/install-fake-bridge.ts'),
        formats: ['iife'],
        name: 'installFakeBridge',
      },
    },
  });
  const outputs = Array.isArray(result) ? result : [result];
  for (const output of outputs) {
    if (!('output' in output)) continue;
    const chunk = output.output.find((item) => item.type === 'chunk');
    if (chunk && chunk.type === 'chunk') return chunk.code;
  }
  throw new Error('the fake bridge did not bundle');
}

interface Problems {
  console: string[];
}

describe.skipIf(missing.length > 0)('the built window in Chromium', () => {
  let browser: Browser;
  let server: Server;
  let url: string;
  let fakeBridge: string;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    await mkdir(SHOTS, { recursive: true });
    ({ server, url } = await serveUi());
    fakeBridge = await bundleFakeBridge();
    browser = await launchChromium();
  });

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await new Promise((done) => server?.close(done));
  });

  /** A page of the built UI; with a scenario it runs "inside Electron" (fake bridge), without one it is a browser. */
  async function open(options: {
    scenario?: 'demo' | 'empty';
    dark?: boolean;
    width?: number;
    height?: number;
  }): Promise<{ page: Page; problems: Problems }> {
    const context = await browser.newContext({
      viewport: { width: options.width ?? 1280, height: options.height ?? 820 },
      colorScheme: options.dark ? 'dark' : 'light',
      reducedMotion: 'reduce',
    });
    contexts.push(context);
    const page = await context.newPage();
    const problems: Problems = { console: [] };
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') problems.console.push(message.text());
    });
    page.on('pageerror', (error) => problems.console.push(`page error: ${error.message}`));
    // Chromium also logs violations to the console; this catches any it reports only as an event.
    await page.addInitScript({
      content: `document.addEventListener('securitypolicyviolation', (e) => console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));`,
    });
    if (options.scenario) {
      await page.addInitScript({ content: `window.__HLS_RELAY_SCENARIO__ = ${JSON.stringify(options.scenario)};` });
      await page.addInitScript({ content: fakeBridge });
    }
    await page.goto(url);
    return { page, problems };
  }

  async function shoot(page: Page, name: string): Promise<void> {
    // Let the sparkline and gauge transitions settle.
    await page.waitForTimeout(150);
    await page.screenshot({ path: join(SHOTS, `${name}.png`) });
  }

  it('lists channels in every state, with the detail of the first one', async () => {
    const { page, problems } = await open({ scenario: 'demo', height: 1000 });
    await page.getByRole('heading', { name: 'News 24', level: 2 }).waitFor();
    const badges = await page.locator('.channel-list .badge').allTextContents();
    expect(badges.map((badge) => badge.trim())).toEqual([
      'Playing',
      'Switching',
      'Stalled',
      'Retrying',
      'Failing',
      'Starting',
      'Idle',
      'Stopped',
    ]);
    await page.getByRole('region', { name: 'What happened' }).getByText('Switched from Main to Backup').waitFor();
    await shoot(page, 'channel-list');
    expect(problems.console).toEqual([]);
  });

  it('shows the channel detail with health and timeline', async () => {
    const { page, problems } = await open({ scenario: 'demo', height: 1400 });
    await page.getByRole('button', { name: /Movies One/ }).click();
    await page.getByRole('heading', { name: 'Movies One', level: 2 }).waitFor();
    await page.getByRole('button', { name: /News 24/ }).click();
    await page.getByRole('region', { name: 'Buffer health' }).getByText('keeping up').waitFor();
    await shoot(page, 'channel-detail');
    expect(problems.console).toEqual([]);
  });

  it('switches a source in one click and shows the outcome within a second', async () => {
    const { page, problems } = await open({ scenario: 'demo', height: 1000 });
    const sources = page.getByRole('region', { name: 'Sources' });
    await sources.waitFor();
    const started = Date.now();
    await sources.getByRole('button', { name: /Main/ }).click();
    await sources.getByText('Switching to Main…').waitFor({ timeout: 1_000 });
    await sources.getByText(/Now playing Main/).waitFor({ timeout: 1_000 });
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(await sources.getByRole('button', { name: /Main/ }).getAttribute('aria-current')).toBe('true');
    await shoot(page, 'switched');

    // Again, to look at the moment in between (the fake relay answers after 250 ms).
    await sources.getByRole('button', { name: /Backup/ }).click();
    await sources.getByText('Switching to Backup…').waitFor();
    await page.screenshot({ path: join(SHOTS, 'switching.png') });
    expect(problems.console).toEqual([]);
  });

  it('imports a playlist and shows the summary', async () => {
    const { page, problems } = await open({ scenario: 'demo' });
    await page.getByRole('button', { name: 'Import playlist' }).click();
    const dialog = page.getByRole('dialog', { name: 'Import a playlist' });
    await dialog.getByLabel(/A web address/).check();
    await dialog.getByLabel('Playlist address').fill('https://provider.example/get.php?type=m3u_plus');
    await shoot(page, 'import-dialog');
    await dialog.getByRole('button', { name: 'Import' }).click();
    await dialog.getByRole('region', { name: 'Import finished' }).waitFor();
    await shoot(page, 'import-summary');
    expect(problems.console).toEqual([]);
  });

  it('edits settings, with the LAN warning', async () => {
    const { page, problems } = await open({ scenario: 'demo', height: 1000 });
    await page.getByRole('button', { name: 'Settings' }).click();
    const dialog = page.getByRole('dialog', { name: 'Settings' });
    await dialog.getByLabel(/other devices on my home network/).check();
    await shoot(page, 'settings');
    expect(problems.console).toEqual([]);
  });

  it('checks a new channel before sending it', async () => {
    const { page, problems } = await open({ scenario: 'demo', height: 900 });
    await page.getByRole('button', { name: 'Add channel' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add a channel' });
    await dialog.getByRole('button', { name: '+ Add a source' }).click();
    await dialog.getByRole('button', { name: 'Add channel' }).click();
    await dialog.getByText('Give the channel a name.').waitFor();
    await shoot(page, 'add-channel');
    expect(problems.console).toEqual([]);
  });

  it('explains the first steps when there are no channels', async () => {
    const { page, problems } = await open({ scenario: 'empty' });
    await page.getByRole('heading', { name: 'Welcome to HLS Relay' }).waitFor();
    await shoot(page, 'empty-state');
    expect(problems.console).toEqual([]);
  });

  it('follows a dark system theme', async () => {
    const { page, problems } = await open({ scenario: 'demo', dark: true, height: 1000 });
    await page.getByRole('region', { name: 'What happened' }).getByText('Switched from Main to Backup').waitFor();
    const background = await page.evaluate('getComputedStyle(document.documentElement).backgroundColor');
    expect(background).toBe('rgb(15, 19, 24)');
    await shoot(page, 'channel-list-dark');
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('dialog', { name: 'Settings' }).getByLabel('Port').waitFor();
    await shoot(page, 'settings-dark');
    expect(problems.console).toEqual([]);
  });

  it('shows the first steps in the dark theme too, and fits a narrow window', async () => {
    const dark = await open({ scenario: 'empty', dark: true });
    await dark.page.getByRole('heading', { name: 'Welcome to HLS Relay' }).waitFor();
    await shoot(dark.page, 'empty-state-dark');
    const narrow = await open({ scenario: 'demo', width: 700, height: 900 });
    await narrow.page.getByRole('heading', { name: 'News 24', level: 2 }).waitFor();
    await shoot(narrow.page, 'narrow');
    const overflow = await narrow.page.evaluate('document.documentElement.scrollWidth > document.documentElement.clientWidth');
    expect(overflow).toBe(false);
    expect([...dark.problems.console, ...narrow.problems.console]).toEqual([]);
  });

  it('asks a browser for the access key (no bridge, no token)', async () => {
    const { page, problems } = await open({});
    await page.getByLabel('Access key').waitFor();
    await shoot(page, 'token-gate');
    expect(problems.console).toEqual([]);
  });
});

describe.runIf(missing.length > 0 && process.env.CI === 'true')('the built window in CI', () => {
  it('has a build and Chromium to look at', () => {
    expect(missing).toEqual([]);
  });
});

import { mkdir } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RelaySettings } from '../../src-main/shared/lineup-types.js';
import type { ChannelSnapshot } from '../../src-main/shared/relay-types.js';
import { createRelayHandler } from '../../src-main/core/server/create-relay-handler.js';
import { listen, type RelayServer } from '../../src-main/core/server/listen.js';
import { CHROMIUM_PATH, launchChromium, watchForProblems } from '../helpers/chromium.js';
import { followRelay, type FollowResult } from '../helpers/follow-relay.js';
import { fixtureIdentifier, type Identify } from '../helpers/identify-segments.js';
import { sourceChannel, startHarness, TEST_TOKEN, type Harness } from '../helpers/relay-harness.js';
import { requireTool } from '../helpers/system-tool.js';
import { currentUiBuild } from '../helpers/ui-build.js';

/**
 * The built window in Debian's Chromium against the real relay: a live origin serving real segments, the
 * engine, its HTTP server with the UI at /ui/. Everything the test clicks is checked on the relay's side
 * (control API, output playlist), and every view is saved to test-results/screenshots/relay-*.png.
 */

const SHOTS = fileURLToPath(new URL('../../test-results/screenshots/', import.meta.url));
const hasChromium = requireTool(CHROMIUM_PATH, ['--version']);

/** How long the window may take to show what the relay did (live updates are sent at most 4 times a second). */
const UI_FOLLOWS_MS = 2_000;

interface Signed {
  page: Page;
  problems: string[];
}

describe.skipIf(!hasChromium)('the window in Chromium against the real relay', () => {
  let harness: Harness;
  let uiServer: RelayServer;
  let baseUrl: string;
  let browser: Browser;
  let identify: Identify;
  let disposeBuild: () => Promise<void> = async () => undefined;
  /** Requests the relay's UI server answered (the window's own API calls among them). */
  const uiRequests: { method: string; path: string; status: number }[] = [];
  const contexts: BrowserContext[] = [];
  const players: { stop(): Promise<unknown> }[] = [];

  beforeAll(async () => {
    const build = await currentUiBuild();
    disposeBuild = build.dispose;
    await mkdir(SHOTS, { recursive: true });
    harness = await startHarness({
      channels: [
        sourceChannel('news', ['a', 'b', 'c'], { name: 'News 24', group: 'News' }),
        sourceChannel('movies', ['a', 'b'], { name: 'Movies One', group: 'Films' }),
        sourceChannel('kids', ['c', 'a'], { name: 'Kids Zone' }),
      ],
    });
    // A second server over the same engine, as the CLI runs it: streams, control API and the UI.
    const handler = createRelayHandler(harness.relay, {
      token: TEST_TOKEN,
      uiDir: build.dir,
      onRequest: (entry) => uiRequests.push(entry),
    });
    uiServer = await listen(handler, { host: '127.0.0.1', port: 0 });
    baseUrl = `http://127.0.0.1:${uiServer.port}`;
    harness.relay.setServerInfo({ baseUrl, playlistUrl: `${baseUrl}/channels.m3u`, version: 'test' });
    identify = await fixtureIdentifier(['a', 'b', 'c']);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await Promise.allSettled(players.map((player) => player.stop()));
    for (const context of contexts) await context.close();
    await browser?.close();
    await uiServer?.close();
    await harness?.close();
    await disposeBuild();
  });

  async function newPage(height = 820): Promise<Signed> {
    const context = await browser.newContext({ viewport: { width: 1280, height }, reducedMotion: 'reduce' });
    contexts.push(context);
    const page = await context.newPage();
    return { page, problems: await watchForProblems(page) };
  }

  /** A window signed in through the link the CLI prints. */
  async function signedIn(height?: number): Promise<Signed> {
    const signed = await newPage(height);
    await signed.page.goto(`${baseUrl}/ui/#token=${TEST_TOKEN}`);
    await signed.page.getByRole('list', { name: 'Channels' }).waitFor();
    return signed;
  }

  async function shoot(page: Page, name: string): Promise<void> {
    await page.screenshot({ path: join(SHOTS, `relay-${name}.png`) });
  }

  async function channels(): Promise<ChannelSnapshot[]> {
    const response = await harness.api('GET', '/api/channels');
    expect(response.status).toBe(200);
    return (response.json as { channels: ChannelSnapshot[] }).channels;
  }

  /** A player following a channel's playlist and downloading each new segment, until stopped. */
  function play(channelId: string) {
    let stopped = false;
    let latest: FollowResult = { segments: [], playlists: [], failures: [] };
    const finished = followRelay(harness, channelId, {
      timeoutMs: 80_000,
      pollMs: 250,
      done: () => stopped,
      onPoll: (result) => {
        latest = result;
      },
    });
    // Kept so a failing playlist request surfaces in stop() instead of as an unhandled rejection.
    const outcome = finished.then(
      (result) => ({ result, error: null }),
      (error: unknown) => ({ result: latest, error }),
    );
    const player = {
      get result(): FollowResult {
        return latest;
      },
      async stop(): Promise<FollowResult> {
        stopped = true;
        const { result, error } = await outcome;
        if (error) throw error;
        return result;
      },
    };
    players.push(player);
    return player;
  }

  /**
   * Resolves when the relay has published what it says about a channel after its removal (its final
   * 'channel' update), or after 3 s if it says nothing.
   */
  function lastSnapshotOf(channelId: string): Promise<void> {
    let removed = false;
    return new Promise<void>((resolve) => {
      const finish = (): void => {
        clearTimeout(timer);
        unsubscribe();
        resolve();
      };
      const timer = setTimeout(finish, 3_000);
      const unsubscribe = harness.relay.subscribe((update) => {
        if (update.type === 'channel-removed' && update.id === channelId) removed = true;
        else if (removed && update.type === 'channel' && update.channel.id === channelId) finish();
      });
    });
  }

  /** The token the window keeps (the test's tsconfig has no DOM types, hence the string). */
  function savedToken(page: Page): Promise<unknown> {
    return page.evaluate(`localStorage.getItem('hls-relay.token')`);
  }

  function row(page: Page, name: string): Locator {
    return page.getByRole('list', { name: 'Channels' }).getByRole('button', { name: new RegExp(name) });
  }

  function detail(page: Page): Locator {
    return page.getByRole('main', { name: 'Channel details' });
  }

  /** The value next to a label in the Buffer health facts. */
  function fact(page: Page, label: string): Locator {
    return detail(page).getByRole('region', { name: 'Buffer health' }).locator(`dt:text-is("${label}") + dd`);
  }

  it('shows only the token gate without a token, refuses a wrong one and keeps the right one', async () => {
    const { page, problems } = await newPage();
    await page.goto(`${baseUrl}/ui/`);
    const key = page.getByLabel('Access key');
    await key.waitFor();
    const gateText = await page.locator('body').innerText();
    for (const name of ['News 24', 'Movies One', 'Kids Zone', 'News', 'Films']) expect(gateText).not.toContain(name);
    expect(await page.getByRole('list', { name: 'Channels' }).count()).toBe(0);
    // The page's origin without a token gets nothing from the control API.
    const statuses = await page.evaluate(async () => {
      const paths = ['/api/overview', '/api/channels', '/api/events', '/api/settings'];
      return Promise.all(paths.map(async (path) => (await fetch(path)).status));
    });
    expect(statuses).toEqual([401, 401, 401, 401]);
    expect(uiRequests.filter((entry) => entry.path.startsWith('/api/') && entry.status === 200)).toEqual([]);
    await shoot(page, 'token-gate');

    await key.fill('not-the-right-token');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('alert').getByText('HLS Relay did not accept this access key').waitFor();
    expect(await page.locator('body').innerText()).not.toContain('News 24');
    expect(await savedToken(page)).toBeNull();
    await shoot(page, 'token-refused');

    await key.fill(TEST_TOKEN);
    await page.getByRole('button', { name: 'Continue' }).click();
    await row(page, 'News 24').waitFor();
    expect(await page.getByLabel('Access key').count()).toBe(0);
    expect(await savedToken(page)).toBe(TEST_TOKEN);

    await page.reload();
    await row(page, 'News 24').waitFor();
    expect(await page.getByLabel('Access key').count()).toBe(0);

    // Chromium reports every refused request (the probes above, the wrong key) as a console error; nothing else.
    expect(problems.filter((problem) => !/status of 401 \(Unauthorized\)/.test(problem))).toEqual([]);
  });

  it('signs in from a #token= link and removes the token from the address bar', async () => {
    const { page, problems } = await newPage();
    await page.goto(`${baseUrl}/ui/#token=${TEST_TOKEN}`);
    await row(page, 'News 24').waitFor();
    expect(page.url()).toBe(`${baseUrl}/ui/`);
    expect(await savedToken(page)).toBe(TEST_TOKEN);
    expect(problems).toEqual([]);
  });

  it('lists the channels with their groups, sources and state in words', async () => {
    const { page, problems } = await signedIn();
    const rows = page.getByRole('list', { name: 'Channels' }).getByRole('button');
    await expect.poll(() => rows.count()).toBe(3);
    const texts = (await rows.allInnerTexts()).map((text) => text.replace(/\s+/g, ' ').trim());
    expect(texts).toEqual([
      'N2 News 24 News · Source A Idle 0 watching',
      'MO Movies One Films · Source A Idle 0 watching',
      'KZ Kids Zone No group · Source C Idle 0 watching',
    ]);
    expect(await page.getByText('3 channels').count()).toBe(1);
    await detail(page).getByRole('heading', { name: 'News 24', level: 2 }).waitFor();
    expect(await detail(page).getByRole('textbox', { name: /Address of News 24/ }).inputValue()).toBe(`${baseUrl}/stream/news`);
    await shoot(page, 'channel-list');
    expect(problems).toEqual([]);
  });

  it('updates buffer, bitrate and watching count live while a player plays, without reloading', async () => {
    const { page, problems } = await signedIn();
    await row(page, 'News 24').click();
    const meter = detail(page).getByRole('region', { name: 'Buffer health' }).getByRole('meter', { name: 'Buffer' });
    expect(await fact(page, 'Watching').innerText()).toBe('0 players');
    expect(await fact(page, 'Upstream bitrate').innerText()).toBe('—');
    expect(await meter.getAttribute('aria-valuetext')).toBe('Nothing buffered');
    // Gone if the page reloads: proves the numbers below arrive without a reload.
    await page.evaluate('window.sameDocument = true');
    const apiCallsBefore = uiRequests.filter((entry) => /^\/api\/(overview|channels)/.test(entry.path)).length;

    const player = play('news');
    const started = Date.now();
    await expect.poll(() => fact(page, 'Watching').innerText(), { timeout: 5_000 }).toBe('1 player');
    await expect.poll(() => fact(page, 'Upstream bitrate').innerText(), { timeout: 5_000 }).toMatch(/^\d+(\.\d)? (kbit|Mbit)\/s$/);
    await expect.poll(() => row(page, 'News 24').innerText(), { timeout: 5_000 }).toMatch(/Playing\s+1 watching/);
    // The buffer fills segment by segment: the gauge must show several different amounts as it does.
    const amounts = new Set<string>();
    await expect
      .poll(
        async () => {
          const text = (await meter.getAttribute('aria-valuetext')) ?? '';
          if (text !== 'Nothing buffered') amounts.add(text);
          return amounts.size;
        },
        { timeout: 8_000, interval: 100 },
      )
      .toBeGreaterThanOrEqual(3);
    console.log(`ui-relay: live health after ${Date.now() - started} ms: ${[...amounts].join(' | ')}`);
    await detail(page).getByText('keeping up').first().waitFor();

    // Same document all along, and no polling: the numbers came over the event stream.
    expect(await page.evaluate('window.sameDocument')).toBe(true);
    expect(uiRequests.filter((entry) => /^\/api\/(overview|channels)/.test(entry.path)).length).toBe(apiCallsBefore);
    await shoot(page, 'playing');
    const followed = await player.stop();
    expect(followed.failures).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('switches the relay to the source clicked, with a discontinuity in the playlist', async () => {
    const { page, problems } = await signedIn(1000);
    await row(page, 'Movies One').click();
    const player = play('movies');
    const sources = detail(page).getByRole('region', { name: 'Sources' });
    await expect.poll(() => row(page, 'Movies One').innerText(), { timeout: 5_000 }).toMatch(/Playing/);
    await expect.poll(() => player.result.segments.length, { timeout: 5_000 }).toBeGreaterThanOrEqual(3);

    const clicked = Date.now();
    await sources.getByRole('button', { name: /Source B/ }).click();
    await sources.getByText(/Now playing Source B/).waitFor({ timeout: 5_000 });
    const shownAfter = Date.now() - clicked;
    const snapshot = (await harness.api('GET', '/api/channels/movies')).json as ChannelSnapshot;
    expect(snapshot.activeSourceId).toBe('b');
    expect(snapshot.lastSwitch).toMatchObject({ from: 'a', to: 'b', reason: 'manual' });
    // The window shows the outcome as soon as the relay reports it, not seconds later.
    expect(shownAfter).toBeLessThan((snapshot.lastSwitch?.latencyMs ?? 0) + UI_FOLLOWS_MS);
    expect(await sources.getByRole('button', { name: /Source B/ }).getAttribute('aria-current')).toBe('true');
    expect(await sources.getByRole('button', { name: /Source A/ }).getAttribute('aria-current')).toBeNull();
    await expect.poll(() => row(page, 'Movies One').innerText(), { timeout: UI_FOLLOWS_MS }).toContain('Source B');
    await detail(page).getByRole('region', { name: 'What happened' }).getByText(/Now playing Source B \(manual/).waitFor();
    await shoot(page, 'switched');

    // The player sees the new source's segments, the first one marked as a discontinuity.
    await expect
      .poll(() => player.result.segments.filter((segment) => identify(segment.bytes)?.sourceId === 'b').length, { timeout: 10_000 })
      .toBeGreaterThanOrEqual(2);
    const followed = await player.stop();
    expect(followed.failures).toEqual([]);
    const origins = followed.segments.map((segment) => identify(segment.bytes)?.sourceId ?? '?').join('');
    expect(origins).toMatch(/^a+b+$/);
    const firstB = followed.segments.find((segment) => identify(segment.bytes)?.sourceId === 'b')!;
    expect(firstB.discontinuity).toBe(true);
    const listing = followed.playlists.find((playlist) => playlist.segments.some((segment) => segment.seq === firstB.seq))!;
    // The tags of the first new segment: everything between the previous segment's URI and its own.
    const lines = listing.text.split('\n');
    const uriLine = lines.indexOf(firstB.uri);
    const tagStart = lines.slice(0, uriLine).findLastIndex((line) => line !== '' && !line.startsWith('#'));
    expect(lines.slice(tagStart + 1, uriLine)).toContain('#EXT-X-DISCONTINUITY');
    const seqs = followed.segments.map((segment) => segment.seq);
    expect(seqs).toEqual(seqs.map((_, index) => seqs[0]! + index));
    expect(problems).toEqual([]);
  });

  it('imports an M3U from a file and from a web address, reporting the line it skipped', async () => {
    const { page, problems } = await signedIn(900);
    const origin = harness.origin.url;
    const fileText = [
      '#EXTM3U',
      '#EXTINF:-1 tvg-id="sport.one" group-title="Sports",Sport One',
      `${origin}/a/index.m3u8`,
      '#EXTINF:-1 tvg-id="sport.one" group-title="Sports",Sport One HD',
      `${origin}/b/index.m3u8`,
      '#EXTINF:-1 tvg-id="weather" group-title="Weather",Weather Now',
      'not-a-url',
      '#EXTINF:-1 tvg-id="weather" group-title="Weather",Weather Now',
      `${origin}/c/index.m3u8`,
      '',
    ].join('\n');

    await page.getByRole('button', { name: 'Import playlist' }).click();
    let dialog = page.getByRole('dialog', { name: 'Import a playlist' });
    await dialog.getByLabel('Playlist file (.m3u or .m3u8)').setInputFiles({
      name: 'provider.m3u',
      mimeType: 'audio/x-mpegurl',
      buffer: Buffer.from(fileText),
    });
    await dialog.getByRole('button', { name: 'Import' }).click();
    let summary = dialog.getByRole('region', { name: 'Import finished' });
    await summary.waitFor();
    expect((await summary.innerText()).replace(/\s+/g, ' ')).toMatch(
      /Entries read 3 Channels added 2 Channels updated 0 Sources added 3 1 line skipped Line 7 not a valid URL/,
    );
    await shoot(page, 'import-file-summary');
    await dialog.getByRole('button', { name: 'Done' }).click();
    await row(page, 'Sport One').waitFor();
    await row(page, 'Weather Now').waitFor();
    let lineup = await channels();
    expect(lineup.find((channel) => channel.name === 'Sport One')).toMatchObject({
      group: 'Sports',
      sources: [{ url: `${origin}/a/index.m3u8` }, { url: `${origin}/b/index.m3u8` }],
    });
    expect(lineup.find((channel) => channel.name === 'Weather Now')?.sources.map((source) => source.url)).toEqual([`${origin}/c/index.m3u8`]);

    const provider = await serveText([
      '#EXTM3U',
      '#EXTINF:-1 group-title="Music",Music Box',
      `${origin}/c/index.m3u8`,
      '#EXTINF:-1,Lost entry',
      '#EXTINF:-1 group-title="Music",Radio Wave',
      `${origin}/a/index.m3u8`,
    ].join('\r\n'));
    try {
      await page.getByRole('button', { name: 'Import playlist' }).click();
      dialog = page.getByRole('dialog', { name: 'Import a playlist' });
      await dialog.getByLabel(/A web address/).check();
      await dialog.getByLabel('Playlist address').fill(provider.url);
      await dialog.getByRole('button', { name: 'Import' }).click();
      summary = dialog.getByRole('region', { name: 'Import finished' });
      await summary.waitFor();
      expect((await summary.innerText()).replace(/\s+/g, ' ')).toMatch(
        /Entries read 2 Channels added 2 .* 1 line skipped Line 4 #EXTINF without a stream URL after it/,
      );
      await shoot(page, 'import-url-summary');
      expect(provider.requests()).toBe(1);
    } finally {
      await provider.close();
    }
    await dialog.getByRole('button', { name: 'Done' }).click();
    await row(page, 'Radio Wave').waitFor();
    lineup = await channels();
    expect(lineup.map((channel) => channel.name)).toEqual([
      'News 24',
      'Movies One',
      'Kids Zone',
      'Sport One',
      'Weather Now',
      'Music Box',
      'Radio Wave',
    ]);
    expect(await page.getByRole('list', { name: 'Channels' }).getByRole('button').allInnerTexts()).toHaveLength(7);
    await row(page, 'Sport One').click();
    await detail(page).getByRole('heading', { name: 'Sport One', level: 2 }).waitFor();
    await shoot(page, 'channel-list-imported');
    expect(problems).toEqual([]);
  });

  it('adds, renames, moves and removes a channel', async () => {
    const { page, problems } = await signedIn(1000);
    const before = (await channels()).map((channel) => channel.id);

    await page.getByRole('button', { name: 'Add channel' }).click();
    let editor = page.getByRole('dialog', { name: 'Add a channel' });
    await editor.getByLabel('Name').fill('Test Card');
    await editor.getByLabel(/^Group/).fill('Lab');
    const source = editor.getByRole('group', { name: 'Source 1' });
    await source.getByLabel('Stream address').fill(`${harness.origin.url}/c/index.m3u8`);
    await source.getByLabel(/^Label/).fill('Pattern C');
    await shoot(page, 'add-channel');
    await editor.getByRole('button', { name: 'Add channel' }).click();
    await editor.waitFor({ state: 'detached' });
    await detail(page).getByRole('heading', { name: 'Test Card', level: 2 }).waitFor();
    let lineup = await channels();
    const added = lineup.at(-1)!;
    expect(lineup.map((channel) => channel.id)).toEqual([...before, added.id]);
    expect(added).toMatchObject({
      name: 'Test Card',
      group: 'Lab',
      enabled: true,
      sources: [{ url: `${harness.origin.url}/c/index.m3u8`, label: 'Pattern C' }],
    });

    await detail(page).getByRole('button', { name: 'Edit' }).click();
    editor = page.getByRole('dialog', { name: 'Edit Test Card' });
    await editor.getByLabel('Name').fill('Test Card HD');
    await editor.getByRole('button', { name: 'Save changes' }).click();
    await editor.waitFor({ state: 'detached' });
    await detail(page).getByRole('heading', { name: 'Test Card HD', level: 2 }).waitFor();
    const renamed = (await harness.api('GET', `/api/channels/${added.id}`)).json as ChannelSnapshot;
    expect(renamed).toMatchObject({ id: added.id, name: 'Test Card HD', group: 'Lab' });

    await detail(page).getByRole('button', { name: 'Move Test Card HD up in the list' }).click();
    await expect.poll(async () => (await channels()).map((channel) => channel.id)).toEqual([
      ...before.slice(0, -1),
      added.id,
      before.at(-1),
    ]);
    await expect
      .poll(async () => (await page.getByRole('list', { name: 'Channels' }).getByRole('button').allInnerTexts()).at(-2))
      .toMatch(/^TC\s+Test Card HD/);

    // Removing a channel that plays: the relay stops it after the removal, and that must not bring it back.
    const player = play(added.id);
    await expect.poll(() => row(page, 'Test Card HD').innerText(), { timeout: 5_000 }).toMatch(/Playing/);
    expect((await player.stop()).failures).toEqual([]);
    const lastWords = lastSnapshotOf(added.id);
    await detail(page).getByRole('button', { name: 'Remove', exact: true }).click();
    await shoot(page, 'remove-confirm');
    await detail(page).getByRole('button', { name: 'Remove channel' }).click();
    await row(page, 'Test Card HD').waitFor({ state: 'detached', timeout: UI_FOLLOWS_MS });
    expect((await harness.api('GET', `/api/channels/${added.id}`)).status).toBe(404);
    await lastWords;
    // Absence cannot be awaited: give the window a few of its 50 ms update rounds to (wrongly) redraw it.
    await page.waitForTimeout(400);
    expect(await row(page, 'Test Card HD').count()).toBe(0);
    lineup = await channels();
    expect(lineup.map((channel) => channel.id)).toEqual(before);
    expect(problems).toEqual([]);
  });

  it('saves a setting changed in the window', async () => {
    const { page, problems } = await signedIn(1000);
    const before = (await harness.api('GET', '/api/settings')).json as RelaySettings;
    expect(before.idleTimeoutSec).toBe(60);
    await page.getByRole('button', { name: 'Settings' }).click();
    const dialog = page.getByRole('dialog', { name: 'Settings' });
    const idle = dialog.getByLabel('Seconds before stopping');
    await expect.poll(() => idle.inputValue()).toBe('60');
    await idle.fill('95');
    await shoot(page, 'settings');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByText('Settings saved.').waitFor();
    const after = (await harness.api('GET', '/api/settings')).json as RelaySettings;
    expect(after).toEqual({ ...before, idleTimeoutSec: 95 });
    expect(problems).toEqual([]);
  });
});

/** A provider's web server with one playlist; counts how often it was fetched. */
async function serveText(text: string): Promise<{ url: string; requests(): number; close(): Promise<void> }> {
  let count = 0;
  const server: Server = createServer((_request, response) => {
    count += 1;
    response.writeHead(200, { 'content-type': 'audio/x-mpegurl' }).end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/get.php?type=m3u_plus`,
    requests: () => count,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

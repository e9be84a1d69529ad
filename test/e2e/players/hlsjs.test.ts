import type { Browser } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { CHROMIUM_PATH, launchChromium } from '../../helpers/chromium.js';
import { serveHlsJsPage, type HlsJsPage } from '../../helpers/hlsjs-page.js';
import { loadFixtureSource } from '../../../src-main/demo/fixtures.js';
import { recordSegments, type RecordedSegment } from '../../helpers/record-segments.js';
import { sourceChannel, startHarness, type Harness } from '../../helpers/relay-harness.js';
import { requireTool } from '../../helpers/system-tool.js';
import { sleepUntil, waitUntil } from '../../helpers/wait-until.js';

/**
 * hls.js (the strictest common player about EXT-X-DISCONTINUITY-SEQUENCE) in Debian's Chromium, on a page
 * served from another origin than the relay's, plays /stream/<id> across two manual switches. Judged by
 * the <video> element (its clock and decoded frames), by hls.js' own events and by the relay's request log.
 */

const hasChromium = requireTool(CHROMIUM_PATH, ['--version']);
/** The codecs of the fixtures (H.264 Main 3.0 + AAC-LC) as hls.js asks MediaSource for them. */
const FIXTURE_CODECS = 'video/mp4; codecs="avc1.4d401e,mp4a.40.2"';
/** Longest the picture may freeze: hls.js keeps 3 segments (1.5 s) buffered, more than a splice moves. */
const MAX_FREEZE_MS = 1_000;

/** What ./hlsjs-player.js records in the page (playlists: as hls.js parsed them, before merging). */
interface PlayerLog {
  version: string;
  supported: boolean;
  errors: { at: number; type: string; details: string; fatal: boolean; sn: number | 'initSegment' | null; message: string; status: number | null }[];
  playlists: { at: number; startSN: number; endSN: number; startCC: number; endCC: number; fragments: [number, number][] }[];
  loaded: { at: number; sn: number; cc: number; start: number; duration: number }[];
  buffered: { at: number; sn: number; cc: number }[];
  samples: { at: number; currentTime: number; readyState: number; paused: boolean; frames: number; dropped: number }[];
}

interface MergedDetails {
  startSN: number;
  endSN: number;
  fragments: [number, number][];
}

let harness: Harness | undefined;
let browser: Browser | undefined;
let pageServer: HlsJsPage | undefined;
afterEach(async () => {
  await browser?.close();
  await pageServer?.close();
  await harness?.close();
  browser = undefined;
  pageServer = undefined;
  harness = undefined;
});

/** Three fMP4 sources (the demo's fMP4 fixture under three ids): each switch starts a new fMP4 run. */
async function fmp4Origin() {
  const fixture = await loadFixtureSource('f');
  return { sources: ['f', 'f2', 'f3'].map((id) => ({ id, fixture })) };
}

describe.skipIf(!hasChromium)('hls.js in Chromium as a player', () => {
  it.each([
    { container: 'MPEG-TS', sources: ['a', 'b', 'c'], origin: async () => ({ sources: ['a', 'b', 'c'] }) },
    { container: 'fMP4', sources: ['f', 'f2', 'f3'], origin: fmp4Origin },
  ])('$container: plays /stream/<id> across two manual switches with consistent discontinuity sequences', async ({ sources, origin }) => {
    harness = await startHarness({ origin: await origin(), channels: [sourceChannel('news', sources)] });
    const h = harness;
    const recorder = recordSegments(h, 'news');
    pageServer = await serveHlsJsPage();
    const pageOrigin = pageServer.origin;
    browser = await launchChromium();
    const page = await browser.newPage();
    const consoleLines: string[] = [];
    page.on('console', (message) => consoleLines.push(`${message.type()}: ${message.text()}`));
    // allHeaders(): Chromium leaves security headers such as Origin out of headers().
    const relayResponses: Promise<{ origin: string | undefined; allowOrigin: string | undefined }>[] = [];
    page.on('response', (response) => {
      if (!response.url().startsWith(h.baseUrl)) return;
      relayResponses.push(response.request().allHeaders().then((headers) => ({ origin: headers.origin, allowOrigin: response.headers()['access-control-allow-origin'] })));
    });

    await page.goto('about:blank');
    const h264 = await page.evaluate(`MediaSource.isTypeSupported('${FIXTURE_CODECS}')`);
    console.log(`Chromium ${browser.version()}: MediaSource.isTypeSupported('${FIXTURE_CODECS}') = ${h264}`);
    // Debian's Chromium decodes H.264; a build without it could only prove the network side, not playback.
    expect(h264, 'this Chromium cannot decode H.264 through MediaSource, so hls.js cannot play the fixtures').toBe(true);

    await page.goto(`${pageOrigin}/?src=${encodeURIComponent(`${h.baseUrl}/stream/news`)}`);
    const currentTime = () => page.evaluate('document.querySelector("video").currentTime') as Promise<number>;
    // hls.js first seeks over the small gap before the first video frame (0.18 s), then plays.
    await waitUntil(async () => (await currentTime()) > 0.5, 15_000, 'the video started playing');
    const playingAt = Date.now();
    const switches: { to: string; at: number }[] = [];
    for (const [to, atMs] of [[sources[1]!, 5_000], [sources[2]!, 11_000]] as const) {
      await sleepUntil(playingAt + atMs);
      switches.push({ to, at: Date.now() });
      expect((await h.api('POST', `/api/channels/news/switch`, { sourceId: to })).status).toBe(200);
    }
    await sleepUntil(playingAt + 18_000);
    const endAt = Date.now();
    const log = (await page.evaluate('window.playerLog')) as PlayerLog;
    const merged = (await page.evaluate('window.levelDetails()')) as MergedDetails | null;
    const cors = await Promise.all(relayResponses);
    recorder.stop();

    // ---- the picture: the video clock and decoded frames
    const since = (at: number) => `${((at - playingAt) / 1000).toFixed(2)} s`;
    const sampleAt = (at: number) => log.samples.filter((sample) => sample.at <= at).at(-1)!;
    const checkpoints = [playingAt + 1_000, ...switches.flatMap((change) => [change.at, change.at + 3_000]), endAt];
    const times = checkpoints.map((at) => sampleAt(at).currentTime);
    const playing = log.samples.filter((sample) => sample.at >= playingAt + 1_000);
    const longestFreeze = longestStill(playing);
    const first = sampleAt(playingAt + 1_000);
    const last = sampleAt(endAt);
    const wall = (last.at - first.at) / 1000;
    const ratio = (last.currentTime - first.currentTime) / wall;
    const framesPerSecond = (last.frames - first.frames) / wall;

    // ---- hls.js' view of the discontinuities
    const ccBySn = new Map<number, Set<number>>();
    const note = (sn: number, cc: number) => ccBySn.set(sn, (ccBySn.get(sn) ?? new Set()).add(cc));
    for (const playlist of log.playlists) for (const [sn, cc] of playlist.fragments) note(sn, cc);
    for (const fragment of log.loaded) note(fragment.sn, fragment.cc);
    for (const [sn, cc] of merged?.fragments ?? []) note(sn, cc);
    const conflicting = [...ccBySn].filter(([, ccs]) => ccs.size > 1).map(([sn, ccs]) => `sn ${sn}: cc ${[...ccs].join('/')}`);
    const misplaced = ccSteps(ccBySn, recorder.segments);
    const windowsGoBack = log.playlists.slice(1).filter((playlist, index) => playlist.startSN < log.playlists[index]!.startSN || playlist.endSN < log.playlists[index]!.endSN);
    const loadedSns = log.loaded.map((fragment) => fragment.sn);

    // ---- what hls.js asked the relay for
    const segmentRequests = h.requests.filter((r) => r.path.startsWith('/stream/news/segments/'));
    const requested = new Set(segmentRequests.map((r) => Number(/(\d+)\.(ts|m4s)$/.exec(r.path)![1])));
    const firstRequested = Math.min(...requested);
    // hls.js reloads the playlist about once per target duration: what was listed 3 s before the end is read.
    const missed = recorder.segments.filter((segment) => segment.at < endAt - 3_000 && segment.seq >= firstRequested && !requested.has(segment.seq)).map((segment) => segment.seq);

    console.log(
      [
        `hls.js ${log.version} (isSupported ${log.supported}) played ${since(endAt)}; switches to ${switches.map((change) => `${change.to} at ${since(change.at)}`).join(', ')}`,
        `video clock at 1 s, each switch, 3 s after it, end: ${times.map((time) => time.toFixed(2)).join(' → ')}; ${(last.currentTime - first.currentTime).toFixed(2)} s in ${wall.toFixed(2)} s of wall time (ratio ${ratio.toFixed(3)}); longest freeze ${longestFreeze.ms} ms from ${since(longestFreeze.from)}`,
        `decoded frames: ${last.frames} (${framesPerSecond.toFixed(1)} per second while playing), dropped ${last.dropped}`,
        `fragments loaded: sn ${loadedSns[0]}..${loadedSns.at(-1)} (${loadedSns.length}), cc ${[...new Set(log.loaded.map((fragment) => fragment.cc))].join(',')}; ${log.playlists.length} playlist loads; merged details sn ${merged?.startSN}..${merged?.endSN}`,
        `relay listed: ${recorder.segments.map((segment) => `${segment.discontinuity ? '|' : ''}${segment.seq}${segment.sourceId}`).join(' ')}`,
        `CORS: page ${pageOrigin}, relay ${h.baseUrl}; ${cors.length} relay responses, Origin ${[...new Set(cors.map((entry) => entry.origin))].join(',')} → Access-Control-Allow-Origin ${[...new Set(cors.map((entry) => entry.allowOrigin))].join(',')}`,
        `non-fatal hls.js errors (${log.errors.length}): ${log.errors.map((error) => `${since(error.at)} ${error.type}/${error.details} sn=${error.sn} ${error.message}`).join('; ') || 'none'}`,
        `console: ${consoleLines.join(' | ') || '(nothing)'}`,
      ].join('\n'),
    );

    expect(log.errors.filter((error) => error.fatal)).toEqual([]);
    // The video clock grows between every two checkpoints: across and after each switch.
    times.slice(1).forEach((time, index) => expect(time, `video clock from checkpoint ${index} to ${index + 1}`).toBeGreaterThan(times[index]!));
    expect(longestFreeze.ms).toBeLessThanOrEqual(MAX_FREEZE_MS);
    expect(ratio).toBeGreaterThanOrEqual(0.95);
    expect(ratio).toBeLessThanOrEqual(1.05);
    expect(framesPerSecond).toBeGreaterThanOrEqual(24 * 0.9);

    // The check below means something only once a discontinuity has left the window (startCC > 0).
    expect(log.playlists.some((playlist) => playlist.startCC > 0)).toBe(true);
    expect(conflicting).toEqual([]);
    expect(misplaced).toEqual([]);
    expect(windowsGoBack).toEqual([]);
    expect(new Set(log.loaded.map((fragment) => fragment.cc)).size).toBeGreaterThanOrEqual(3);
    // Every fragment from the first one, once and in order.
    expect(loadedSns).toEqual(loadedSns.map((_, index) => loadedSns[0]! + index));

    expect(h.requests.filter((r) => r.path.startsWith('/stream/') && r.status !== 200)).toEqual([]);
    expect(missed).toEqual([]);
    expect(cors.length).toBeGreaterThan(0);
    expect(cors.every((entry) => entry.origin === pageOrigin && entry.allowOrigin === '*')).toBe(true);
  }, 60_000);
});

/** Longest wall time (ms) during which the video clock did not move, and when that began. */
function longestStill(samples: PlayerLog['samples']): { ms: number; from: number } {
  let longest = { ms: 0, from: samples[0]?.at ?? 0 };
  let stillSince = longest.from;
  samples.forEach((sample, index) => {
    const previous = samples[index - 1];
    if (previous && sample.currentTime > previous.currentTime) stillSince = sample.at;
    if (sample.at - stillSince > longest.ms) longest = { ms: sample.at - stillSince, from: stillSince };
  });
  return longest;
}

/**
 * Where hls.js' cc does not step exactly as the relay marked discontinuities: +1 on a segment stored with
 * #EXT-X-DISCONTINUITY, +0 elsewhere. A wrong EXT-X-DISCONTINUITY-SEQUENCE shows up here (or as an sn
 * with two cc values) once the tagged segment has left the playlist window.
 */
function ccSteps(ccBySn: Map<number, Set<number>>, segments: readonly RecordedSegment[]): string[] {
  const cc = (sn: number) => (ccBySn.get(sn)?.size === 1 ? [...ccBySn.get(sn)!][0]! : undefined);
  return segments.flatMap((segment) => {
    const here = cc(segment.seq);
    const before = cc(segment.seq - 1);
    if (here === undefined || before === undefined || here - before === (segment.discontinuity ? 1 : 0)) return [];
    return [`sn ${segment.seq}: cc ${before} → ${here}, relay discontinuity ${segment.discontinuity}`];
  });
}

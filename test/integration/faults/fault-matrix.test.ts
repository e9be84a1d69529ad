import { get, type IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelTuning } from '../../../src-main/core/channel/channel-tuning.js';
import { checkBoxes, checkInitSection, checkTransportStream } from '../../../src-main/core/media/check-segment.js';
import type { UpstreamLimits } from '../../../src-main/core/upstream/upstream-client.js';
import { loadFixtureSource } from '../../../src-main/demo/fixtures.js';
import { createLiveOrigin, type Fault, type LiveOrigin, type OriginRequest } from '../../../src-main/demo/live-origin.js';
import type { SwitchOutcome } from '../../../src-main/shared/relay-client.js';
import type { ChannelSnapshot, ChannelState, TimelineEvent } from '../../../src-main/shared/relay-types.js';
import { followRelay, type FollowResult } from '../../helpers/follow-relay.js';
import { fixtureIdentifier, isSuccessor, type Identify } from '../../helpers/identify-segments.js';
import { describeMemory, MiB, watchProcess, type MemoryFigures, type ProcessFigures } from '../../helpers/process-figures.js';
import { sourceChannel, startHarness, type Harness } from '../../helpers/relay-harness.js';

/**
 * Every upstream fault a home user's provider can throw at the relay, one case each, checked three ways:
 * what a player sees (a valid, continuous playlist; no 404 for a listed segment; never a broken segment; a
 * discontinuity wherever data was lost), what the channel reports (state and timeline, with error codes),
 * and that memory stays bounded.
 */

// Tight engine timing for most cases, which run side by side so the file takes about a minute and a half;
// the last group runs one case at a time on the engine defaults. Backoff 250 ms, 500 ms, 1 s, 2 s; a body silent for 1 s is a stall.
const TIGHT_TUNING: Partial<ChannelTuning> = { backoff: { baseMs: 250, maxMs: 2000, maxRetryAfterMs: 5000 }, switchTimeoutMs: 5000 };
const TIGHT_CAPS = { maxPlaylistBytes: 256 * 1024, maxSegmentBytes: 2 * MiB };
const TIGHT_UPSTREAM: Partial<UpstreamLimits> = { ...TIGHT_CAPS, bodyTimeoutMs: 1000, headersTimeoutMs: 3000, connectTimeoutMs: 3000 };

/**
 * RSS growth allowed over a case, after a full GC. What the relay may legitimately keep is small: per
 * channel at most 16 segments of ~13 KB and one capped body in flight (2 MiB here), so twenty channels
 * need well under 50 MB. 64 MiB leaves room for V8 and allocator slack yet fails on a leak of anything
 * the size of the default caps. Buffers still referenced after the GC are held to 16 MiB: bodies that were
 * cut at a cap must not survive the case. Cases that run side by side share the process, so each one's
 * figures include its neighbours': the limits hold for all of them together.
 */
const RSS_GROWTH_LIMIT = 64 * MiB;
const BUFFER_GROWTH_LIMIT = 16 * MiB;

type FaultRule = (request: OriginRequest) => Fault | undefined;
/** The fault each origin source gets right now, by source id (ids are unique across the file). */
const rules = new Map<string, FaultRule>();
const originFault: FaultRule = (request) => (request.sourceId === undefined ? undefined : rules.get(request.sourceId)?.(request));

let identify: Identify;
beforeAll(async () => {
  identify = await fixtureIdentifier(['a', 'f']);
});

// ---- the fault scripts -----------------------------------------------------------------------------

interface ScriptStep {
  when: (request: OriginRequest) => boolean;
  fault: Fault;
}

/**
 * Hands each step's fault, in order, to the first request its `when` picks; then answers normally.
 * `onHit` runs as each fault is handed out.
 */
function faultScript(sourceId: string, steps: ScriptStep[], onHit?: (request: OriginRequest) => void) {
  const hits: (OriginRequest & { at: number })[] = [];
  return {
    hits,
    start() {
      rules.set(sourceId, (request) => {
        const step = steps[hits.length];
        if (step === undefined || !step.when(request)) return undefined;
        hits.push({ ...request, at: Date.now() });
        onHit?.(request);
        return step.fault;
      });
    },
    over: () => hits.length >= steps.length,
    end() {
      rules.delete(sourceId);
    },
  };
}

const playlist = (request: OriginRequest) => request.kind === 'playlist';
/** The first request for a segment whose msn ≡ `rest` (mod `every`): later attempts succeed. */
const firstTryOf = (every: number, rest: number) => (request: OriginRequest) =>
  request.kind === 'segment' && request.count === 0 && request.msn !== undefined && request.msn % every === rest;

// ---- playing through a fault ---------------------------------------------------------------------

interface Disturbance {
  start(): void;
  /** Whether the fault has run its course; then `end` runs. */
  over(sinceStartMs: number): boolean;
  end?(): void | Promise<void>;
}

interface CaseRun {
  result: FollowResult;
  /** Distinct consecutive states seen from the fault's start on. */
  states: ChannelState[];
  /** Timeline events from the fault's start on. */
  events: TimelineEvent[];
  figures: ProcessFigures;
  startedAt: number;
  endedAt: number;
  snapshot: ChannelSnapshot;
}

const snapshotOf = async (h: Harness, id: string) => (await h.api('GET', `/api/channels/${id}`)).json as ChannelSnapshot;
const timelineOf = async (h: Harness, id: string) =>
  ((await h.api('GET', `/api/channels/${id}/timeline`)).json as { events: TimelineEvent[] }).events;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls the channel's state (as the window does) and keeps each change. */
function watchStates(h: Harness, id: string) {
  const states: ChannelState[] = [];
  let watching = true;
  const loop = (async () => {
    while (watching) {
      const { state } = await snapshotOf(h, id);
      if (states.at(-1) !== state) states.push(state);
      await sleep(100);
    }
  })();
  return {
    async stop() {
      watching = false;
      await loop;
      return states;
    },
  };
}

/**
 * A player follows the channel; after `warmSegments` the fault starts, and once it is over the player
 * goes on for `segmentsAfter` more segments (the channel must have recovered to get them).
 */
async function playThrough(
  h: Harness,
  id: string,
  disturbance: Disturbance,
  options: { warmSegments?: number; segmentsAfter?: number; timeoutMs?: number } = {},
): Promise<CaseRun> {
  const segmentsAfter = options.segmentsAfter ?? 8;
  const watch = await watchProcess();
  let startedAt = 0;
  let endedAt = 0;
  let countAtEnd = 0;
  let states: ReturnType<typeof watchStates> | undefined;
  const result = await followRelay(h, id, {
    pollMs: 150,
    timeoutMs: options.timeoutMs ?? 45_000,
    done: (r) => endedAt > 0 && r.segments.length >= countAtEnd + segmentsAfter,
    onPoll: async (r) => {
      const now = Date.now();
      if (startedAt === 0) {
        if (r.segments.length < (options.warmSegments ?? 6)) return;
        startedAt = now;
        states = watchStates(h, id);
        disturbance.start();
      } else if (endedAt === 0 && disturbance.over(now - startedAt)) {
        endedAt = now;
        countAtEnd = r.segments.length;
        await disturbance.end?.();
      }
    },
  });
  const seen = (await states?.stop()) ?? [];
  const figures = await watch.stop();
  const run: CaseRun = {
    result,
    states: seen,
    events: (await timelineOf(h, id)).filter((event) => event.at >= startedAt),
    figures,
    startedAt,
    endedAt,
    snapshot: await snapshotOf(h, id),
  };
  report(id, run);
  expect(endedAt, `${id}: the fault ran its course`).toBeGreaterThan(0);
  expect(result.segments.length, `${id}: the player got ${segmentsAfter} segments after the fault`).toBeGreaterThanOrEqual(countAtEnd + segmentsAfter);
  return run;
}

function report(id: string, run: Pick<CaseRun, 'states' | 'events' | 'figures' | 'result'> & { startedAt?: number }): void {
  const from = run.startedAt ?? run.events[0]?.at ?? 0;
  const events = run.events.filter((event) => event.code).map((event) => `${event.kind}:${event.code}@${event.at - from}`);
  const { load } = run.figures;
  console.log(
    `[${id}] states ${run.states.join(' → ') || '–'} | ${run.result.segments.length} segments, ${discontinuities(run.result)} discontinuities | ` +
      `${describeMemory(run.figures.memory)} | loop delay p99 ${load.loopDelayP99Ms.toFixed(0)} ms, max ${load.loopDelayMaxMs.toFixed(0)} ms\n` +
      `[${id}] events (ms from the fault): ${events.join(' ') || '–'}`,
  );
}

const discontinuities = (result: FollowResult) => result.segments.filter((segment) => segment.discontinuity).length;

function expectMemoryBounded(memory: MemoryFigures): void {
  expect(memory.rssAfter - memory.rssBefore, describeMemory(memory)).toBeLessThan(RSS_GROWTH_LIMIT);
  expect(memory.buffersAfter - memory.buffersBefore, describeMemory(memory)).toBeLessThan(BUFFER_GROWTH_LIMIT);
}

/**
 * What a player saw was playable: every listed segment answered 200 with a whole, valid segment of a
 * known source; sequence numbers without holes; playlists that never go back; a discontinuity before
 * every segment that does not follow its predecessor upstream. With `lossless`, nothing was lost either:
 * the only discontinuities are the origin's own (its fixture loop restarting).
 */
function expectPlayable(result: FollowResult, options: { lossless?: boolean; sources?: RegExp } = {}): void {
  expect(result.failures).toEqual([]);
  expect(result.segments.length).toBeGreaterThan(0);
  result.playlists.forEach((current, index) => {
    expect(current.endList).toBe(false);
    expect(current.segments.length).toBeGreaterThan(0);
    const previous = result.playlists[index - 1];
    if (previous === undefined) return;
    expect(current.mediaSequence).toBeGreaterThanOrEqual(previous.mediaSequence);
    // EXT-X-DISCONTINUITY-SEQUENCE counts exactly the discontinuities that left the window (RFC 8216 §4.3.3.3).
    const left = previous.segments.filter((segment) => segment.seq < current.mediaSequence && segment.discontinuity).length;
    if (current.mediaSequence <= previous.mediaSequence + previous.segments.length) {
      expect(current.discontinuitySequence).toBe(previous.discontinuitySequence + left);
    }
  });
  const seqs = result.segments.map((segment) => segment.seq);
  expect(seqs).toEqual(seqs.map((_, index) => seqs[0]! + index));

  const identities = result.segments.map((segment) => {
    const check = segment.uri.endsWith('.m4s') ? checkBoxes(segment.bytes, ['moof', 'mdat']) : checkTransportStream(segment.bytes);
    expect(check, `segment ${segment.seq}`).toEqual({ ok: true });
    const identity = identify(segment.bytes);
    expect(identity, `segment ${segment.seq} is a whole fixture segment`).not.toBeNull();
    return identity!;
  });
  if (options.sources) expect(identities.map((identity) => identity.sourceId).join('')).toMatch(options.sources);
  result.segments.forEach((segment, index) => {
    const previous = identities[index - 1];
    const current = identities[index]!;
    if (previous === undefined) return;
    const follows = isSuccessor(previous, current);
    if (!follows) expect(segment.discontinuity, `discontinuity before seq ${segment.seq} where data was lost`).toBe(true);
    if (options.lossless) {
      expect(follows, `nothing lost before seq ${segment.seq}`).toBe(true);
      expect(segment.discontinuity, `no discontinuity before seq ${segment.seq}`).toBe(current.index === 0);
    }
  });
}

/** The segments of `sourceId` the origin was asked for more than once. */
function refetched(origin: LiveOrigin, sourceId: string): number[] {
  return [...origin.segmentGets(sourceId)].filter(([, gets]) => gets > 1).map(([msn]) => msn);
}

// ---- the cases ---------------------------------------------------------------------------------------

describe('upstream fault matrix', () => {
  describe.concurrent('tight timing: one origin, one channel per fault, all at once', () => {
    let h: Harness;
    /** A second origin that is closed (connection refused) and reopened on the same port. */
    let farOrigin: LiveOrigin;

    beforeAll(async () => {
      farOrigin = await createLiveOrigin({ sources: [{ id: 'refused', fixture: 'a' }] });
      const backedUp = (id: string, url: string) => ({
        id,
        name: id,
        enabled: true,
        sources: [
          { id: 'broken', url },
          { id: 'backup', url: `{origin}/${id}-backup/index.m3u8` },
        ],
      });
      h = await startHarness({
        origin: {
          sources: [
            // A 12-segment window (6 s listed, 12 s fetchable): a few retries of a second or two lose nothing.
            ...['reset', 'stall-body'].map((id) => ({ id, fixture: 'a', windowSize: 12 })),
            ...['limits', 'paused', 'gone', 'endless', 'huge-length', 'restart-same', 'dns-backup', 'loop-backup', 'mix-ts', 'back-ts'].map((id) => ({ id, fixture: 'a' })),
            { id: 'restart', fixture: 'a', startMsn: 1000 },
            { id: 'mix-f', fixture: 'f' },
            { id: 'back-f', fixture: 'f' },
          ],
          fault: originFault,
        },
        channels: [
          ...['limits', 'reset', 'stall-body', 'paused', 'gone', 'endless', 'huge-length', 'restart', 'restart-same'].map((id) => sourceChannel(id, [id])),
          { id: 'refused', name: 'refused', enabled: true, sources: [{ id: 'refused', url: `${farOrigin.url}/refused/index.m3u8` }] },
          backedUp('dns', 'http://hls-relay-test.invalid/live/index.m3u8'),
          { id: 'dns-only', name: 'dns-only', enabled: true, sources: [{ id: 'broken', url: 'http://hls-relay-test.invalid/live/index.m3u8' }] },
          backedUp('loop', '{origin}/loop/0'),
          sourceChannel('mixed', ['mix-ts', 'mix-f']),
          sourceChannel('back', ['back-f', 'back-ts']),
        ],
        tuning: TIGHT_TUNING,
        upstream: TIGHT_UPSTREAM,
      });
    });
    afterAll(async () => {
      await h?.close();
      await farOrigin?.close();
    });

    it('509 and 429, with and without Retry-After: waits as told, else backs off, then plays on', async () => {
      const script = faultScript('limits', [
        { when: playlist, fault: { status: 509, headers: { 'Retry-After': '2' } } },
        { when: playlist, fault: { status: 429, headers: { 'Retry-After': '3' } } },
        { when: playlist, fault: { status: 509 } },
        { when: playlist, fault: { status: 429 } },
        { when: firstTryOf(1, 0), fault: { status: 429, headers: { 'Retry-After': '1' } } },
      ]);
      const run = await playThrough(h, 'limits', script);
      expectPlayable(run.result);
      expect(discontinuities(run.result)).toBeGreaterThan(0);

      // When the next playlist request came: Retry-After 2 s and 3 s are honoured; without it, the backoff
      // (1 s for the third failure, 2 s for the fourth).
      const loads = h.origin.requests.filter((r) => r.sourceId === 'limits' && r.kind === 'playlist' && r.at >= run.startedAt);
      const faulted = loads.map((load, index) => ({ load, index })).filter(({ load }) => load.status === 509 || load.status === 429);
      expect(faulted.map(({ load }) => load.status)).toEqual([509, 429, 509, 429]);
      const waits = faulted.map(({ index }) => loads[index + 1]!.at - loads[index]!.at);
      expect(waits[0]).toBeGreaterThanOrEqual(1950);
      expect(waits[1]).toBeGreaterThanOrEqual(2950);
      expect(waits[2]).toBeGreaterThanOrEqual(950);
      expect(waits[2]).toBeLessThan(1950);
      expect(waits[3]).toBeGreaterThanOrEqual(1950);
      // The segment asked to wait 1 s was fetched again after that and relayed whole.
      const segment = script.hits.at(-1)!;
      const again = h.origin.requests.filter((r) => r.sourceId === 'limits' && r.msn === segment.msn);
      expect(again).toHaveLength(2);
      expect(again[1]!.at - again[0]!.at).toBeGreaterThanOrEqual(950);

      expect(run.states[0]).toBe('playing');
      expect(run.states).toContain('retrying');
      expect(run.snapshot.state).toBe('playing');
      const errors = run.events.filter((event) => event.kind === 'error');
      expect(errors.map((event) => event.code)).toEqual(Array(5).fill('upstream-status'));
      expect(errors.map((event) => /HTTP (\d+)/.exec(event.message)?.[1])).toEqual(['509', '429', '509', '429', '429']);
      expect(run.events.some((event) => event.kind === 'backoff' && /in 3\.0 s/.test(event.message))).toBe(true);
      expect(run.events.some((event) => event.kind === 'recovered')).toBe(true);
      expectMemoryBounded(run.figures.memory);
    });

    it('DNS failure: a source on an unresolvable host fails over to the backup, or answers a clear 503 alone', async () => {
      const watch = await watchProcess();
      const [alone, result] = await Promise.all([
        h.fetchBytes('/stream/dns-only'),
        followRelay(h, 'dns', { pollMs: 150, timeoutMs: 40_000, done: (r) => r.segments.length >= 10 }),
      ]);
      const figures = await watch.stop();
      expectPlayable(result, { sources: /^a+$/ });
      const snapshot = await snapshotOf(h, 'dns');
      // lastSwitch.from is null here (reported): a source that never delivered is dropped before the switch.
      expect(snapshot).toMatchObject({ state: 'playing', activeSourceId: 'backup', lastSwitch: { reason: 'failover', to: 'backup' } });
      const events = await timelineOf(h, 'dns');
      expect(events.some((event) => event.kind === 'error' && event.code === 'upstream-dns' && event.sourceId === 'broken')).toBe(true);
      expect(events.find((event) => event.kind === 'failover')).toMatchObject({ code: 'upstream-dns', sourceId: 'broken' });

      // Alone, the channel cannot start: the player gets a typed 503 with Retry-After, not a hang or a 500.
      expect(alone.status).toBe(503);
      expect(alone.headers.get('retry-after')).toBe('1');
      expect(JSON.parse(alone.body.toString())).toMatchObject({ error: { code: 'channel-starting' } });
      const lonely = await snapshotOf(h, 'dns-only');
      expect(lonely).toMatchObject({ state: 'retrying', health: { lastError: { code: 'upstream-dns' } } });
      report('dns', { states: [snapshot.state], events, figures, result });
      expectMemoryBounded(figures.memory);
    });

    it('connection refused: retries with backoff while the origin is down, resumes with a discontinuity', async () => {
      let port = 0;
      const run = await playThrough(h, 'refused', {
        start() {
          port = farOrigin.port;
          void farOrigin.close();
        },
        over: (ms) => ms >= 3000,
        async end() {
          // Back on the same port, further along (the outage lost segments).
          farOrigin = await createLiveOrigin({ port, sources: [{ id: 'refused', fixture: 'a', startMsn: 5000 }] });
        },
      });
      expectPlayable(run.result);
      const resumed = run.result.segments.filter((segment) => segment.listedAt > run.endedAt);
      expect(resumed.some((segment) => segment.discontinuity)).toBe(true);
      expect(run.states[0]).toBe('playing');
      expect(run.states).toContain('retrying');
      expect(run.states.at(-1)).toBe('playing');
      const codes = new Set(run.events.filter((event) => event.kind === 'error').map((event) => event.code));
      expect(codes.has('upstream-refused')).toBe(true);
      expect(run.events.filter((event) => event.kind === 'backoff').length).toBeGreaterThan(0);
      expect(run.events.some((event) => event.kind === 'recovered')).toBe(true);
      expectMemoryBounded(run.figures.memory);
    });

    it('connection reset mid-body and before any answer: the segment is fetched again, nothing is lost', async () => {
      const script = faultScript('reset', [
        { when: playlist, fault: { reset: true } },
        { when: firstTryOf(4, 1), fault: { truncate: 3000 } },
        { when: firstTryOf(4, 3), fault: { reset: true } },
        { when: firstTryOf(4, 1), fault: { truncate: 188 * 5 } },
        { when: firstTryOf(4, 3), fault: { reset: true } },
      ]);
      const run = await playThrough(h, 'reset', script);
      expectPlayable(run.result, { lossless: true, sources: /^a+$/ });
      const faultedSegments = script.hits.filter((hit) => hit.kind === 'segment').map((hit) => hit.msn);
      expect(refetched(h.origin, 'reset').sort()).toEqual(faultedSegments.sort());
      const codes = run.events.filter((event) => event.kind === 'error').map((event) => event.code);
      expect(codes.filter((code) => code === 'upstream-truncated')).toHaveLength(2);
      expect(codes.filter((code) => code === 'upstream-network')).toHaveLength(3);
      expect(run.snapshot.state).toBe('playing');
      expectMemoryBounded(run.figures.memory);
    });

    it('stalled body (playlist and segments): cut at the body timeout, fetched again, nothing is lost', async () => {
      const script = faultScript('stall-body', [
        { when: playlist, fault: { stallAfter: 100 } },
        { when: firstTryOf(4, 2), fault: { stallAfter: 2000 } },
        { when: firstTryOf(4, 2), fault: { stallAfter: 188 } },
      ]);
      const run = await playThrough(h, 'stall-body', script);
      expectPlayable(run.result, { lossless: true, sources: /^a+$/ });
      expect(refetched(h.origin, 'stall-body').sort()).toEqual(script.hits.filter((hit) => hit.kind === 'segment').map((hit) => hit.msn).sort());
      const timeouts = run.events.filter((event) => event.kind === 'error' && event.code === 'upstream-timeout');
      expect(timeouts).toHaveLength(3);
      expect(run.snapshot.state).toBe('playing');
      expectMemoryBounded(run.figures.memory);
    });

    it('a playlist that stops advancing: stalled after three target durations, the same window meanwhile, recovered without loss', async () => {
      const run = await playThrough(h, 'paused', {
        start: () => h.origin.pause('paused'),
        over: (ms) => ms >= 4500,
        end: () => h.origin.resume('paused'),
      });
      expectPlayable(run.result, { lossless: true, sources: /^a+$/ });
      expect(run.states).toEqual(['playing', 'stalled', 'playing']);
      const stall = run.events.find((event) => event.kind === 'stall');
      expect(stall?.code).toBe('source-stalled');
      // Three target durations of 1 s, give or take a tick and the last segment's arrival.
      expect(stall!.at - run.startedAt).toBeGreaterThanOrEqual(2000);
      expect(stall!.at - run.startedAt).toBeLessThan(4500);
      expect(run.events.some((event) => event.kind === 'recovered' && event.at >= run.endedAt)).toBe(true);
      expectMemoryBounded(run.figures.memory);
    });

    it('encoder restart (media sequence jumps back): resumes at once with a discontinuity, sequence continuous', async () => {
      const run = await playThrough(h, 'restart', {
        start: () => h.origin.restart('restart', { startMsn: 10 }),
        over: () => true,
      });
      expectPlayable(run.result, { sources: /^a+$/ });
      // The player may still be listing what the relay fetched before the restart; then comes the splice.
      const after = run.result.segments.filter((segment) => segment.listedAt >= run.startedAt);
      const splice = after.findIndex((segment) => segment.discontinuity);
      expect(after.filter((segment) => segment.discontinuity)).toHaveLength(1);
      expect(splice).toBeLessThanOrEqual(2);
      expect(after[splice]!.listedAt - run.startedAt).toBeLessThan(3000);
      // Once the relay has seen the new playlist (a download planned just before may still go out, and 404),
      // everything it fetches is from the new run, each segment once.
      const fetched = h.origin.requests.filter((r) => r.sourceId === 'restart' && r.kind === 'segment' && r.at >= run.startedAt + 1000);
      expect(fetched.length).toBeGreaterThan(4);
      expect(fetched.every((r) => r.msn! < 1000)).toBe(true);
      expect(new Set(fetched.map((r) => r.msn)).size).toBe(fetched.length);
      expect(run.states).toEqual(['playing']);
      expectMemoryBounded(run.figures.memory);
    });

    it('encoder restart that reuses recent sequence numbers: taken for a stale copy (no duplicates), resumed as a new run', async () => {
      // The new run starts 16 numbers before the newest one relayed, under the same segment names: an encoder
      // that restarted from the number it had started at a few seconds before.
      const newest = () => Math.max(...h.origin.requests.filter((r) => r.sourceId === 'restart-same' && r.kind === 'segment').map((r) => r.msn!));
      const run = await playThrough(h, 'restart-same', { start: () => h.origin.restart('restart-same', { startMsn: newest() - 16 }), over: () => true }, { warmSegments: 20 });
      expectPlayable(run.result, { sources: /^a+$/ });
      const after = run.result.segments.filter((segment) => segment.listedAt >= run.startedAt);
      // Right after the restart the player may still list a segment or two fetched before it.
      const firstNew = after.find((segment) => segment.listedAt - run.startedAt > 1500);
      expect(firstNew).toBeDefined();
      // Same names under lower numbers cannot be told from a lagging CDN copy, and re-fetching those would
      // store duplicates: the relay waits until the numbers pass the old ones, then marks a new run there.
      expect(run.states).toContain('stalled');
      expect(firstNew!.discontinuity).toBe(true);
    });

    it('stalled bodies on six channels of one host leave its other channels alone', async () => {
      // Engine defaults: every channel of a host shares one keep-alive pool.
      const bad = Array.from({ length: 6 }, (_, index) => `hol-${index}`);
      const own = await startHarness({
        origin: { sources: [...bad, 'hol-ok'].map((id) => ({ id, fixture: 'a' })), fault: originFault },
        channels: [...bad, 'hol-ok'].map((id) => sourceChannel(id, [id])),
      });
      try {
        await Promise.all([...bad, 'hol-ok'].map((id) => own.playlist(id)));
        const watch = await watchProcess();
        const states = watchStates(own, 'hol-ok');
        for (const id of bad) rules.set(id, (request) => (request.kind === 'segment' ? { stallAfter: 1000 } : undefined));
        const result = await followRelay(own, 'hol-ok', { pollMs: 150, timeoutMs: 12_000, done: () => false });
        for (const id of bad) rules.delete(id);
        const seen = await states.stop();
        const figures = await watch.stop();
        const events = await timelineOf(own, 'hol-ok');
        report('hol-ok', { states: seen, events, figures, result });
        expectPlayable(result, { sources: /^a+$/ });
        expect(seen).not.toContain('stalled');
      } finally {
        await own.close();
      }
    });

    it('segments that 404 after being listed: skipped once each, marked as lost, the channel keeps playing', async () => {
      const gone: number[] = [];
      const run = await playThrough(h, 'gone', {
        start() {
          rules.set('gone', (request) => {
            if (request.kind !== 'segment' || request.msn === undefined || request.msn % 6 !== 3 || gone.length >= 3) return undefined;
            gone.push(request.msn);
            return { status: 404 };
          });
        },
        over: () => gone.length >= 3,
        end: () => void rules.delete('gone'),
      });
      expectPlayable(run.result, { sources: /^a+$/ });
      // 404 is final: asked once, not retried.
      for (const msn of gone) expect(h.origin.segmentGets('gone').get(msn)).toBe(1);
      expect(discontinuities(run.result)).toBeGreaterThanOrEqual(gone.length);
      const skips = run.events.filter((event) => event.kind === 'segment-invalid');
      expect(skips).toHaveLength(3);
      expect(skips.every((event) => event.code === 'upstream-status' && /HTTP 404/.test(event.message))).toBe(true);
      expect(run.states).toEqual(['playing']);
      expectMemoryBounded(run.figures.memory);
    });

    it('redirect loop: detected after two hops, the channel fails over to its backup', async () => {
      const watch = await watchProcess();
      const result = await followRelay(h, 'loop', { pollMs: 150, timeoutMs: 40_000, done: (r) => r.segments.length >= 10 });
      const figures = await watch.stop();
      expectPlayable(result, { sources: /^a+$/ });
      const snapshot = await snapshotOf(h, 'loop');
      expect(snapshot).toMatchObject({ state: 'playing', activeSourceId: 'backup', lastSwitch: { reason: 'failover', to: 'backup' } });
      const events = await timelineOf(h, 'loop');
      const loopErrors = events.filter((event) => event.kind === 'error' && event.code === 'upstream-redirect-loop');
      expect(loopErrors.length).toBeGreaterThan(0);
      expect(events.find((event) => event.kind === 'failover')).toMatchObject({ code: 'upstream-redirect-loop', sourceId: 'broken' });
      // /loop/0 → /loop/1 → /loop/0 is seen as a loop at once: two requests per attempt (the channel's own
      // and, after the failover, its probes of the preferred source), never a chase up to the hop limit.
      const attempts: string[][] = [];
      let last = 0;
      for (const hop of h.origin.requests.filter((r) => r.path.startsWith('/loop/'))) {
        if (hop.at - last > 150) attempts.push([]);
        attempts.at(-1)!.push(hop.path);
        last = hop.at;
      }
      expect(attempts.length).toBeGreaterThanOrEqual(loopErrors.length);
      for (const attempt of attempts) expect(attempt).toEqual(['/loop/0', '/loop/1']);
      report('loop', { states: [snapshot.state], events, figures, result });
      expectMemoryBounded(figures.memory);
    });

    it(`endless bodies are cut at the caps (${TIGHT_CAPS.maxPlaylistBytes / 1024} KiB playlist, ${TIGHT_CAPS.maxSegmentBytes / MiB} MiB segment)`, async () => {
      const script = faultScript('endless', [
        { when: playlist, fault: { endless: true } },
        { when: firstTryOf(5, 4), fault: { endless: true } },
        { when: firstTryOf(5, 4), fault: { endless: true } },
        { when: firstTryOf(5, 4), fault: { endless: true } },
      ]);
      const run = await playThrough(h, 'endless', script);
      expectPlayable(run.result, { sources: /^a+$/ });
      const tooLarge = run.events.filter((event) => event.code === 'upstream-too-large');
      expect(tooLarge.map((event) => event.kind)).toEqual(['error', 'segment-invalid', 'segment-invalid', 'segment-invalid']);
      expect(tooLarge[0]!.message).toMatch(`more than ${TIGHT_CAPS.maxPlaylistBytes} bytes`);
      expect(tooLarge[1]!.message).toMatch(`more than ${TIGHT_CAPS.maxSegmentBytes} bytes`);
      // A segment over the cap will not shrink: it is skipped, not fetched again, and marked as lost.
      for (const hit of script.hits.filter((r) => r.kind === 'segment')) expect(h.origin.segmentGets('endless').get(hit.msn!)).toBe(1);
      expect(discontinuities(run.result)).toBeGreaterThanOrEqual(3);
      expect(run.snapshot.state).toBe('playing');
      expectMemoryBounded(run.figures.memory);
    });

    it('a 2 GB Content-Length is refused from the header, without reading or waiting', async () => {
      const script = faultScript('huge-length', [
        { when: playlist, fault: { contentLength: 2_000_000_000 } },
        { when: firstTryOf(5, 4), fault: { contentLength: 2_000_000_000 } },
        { when: firstTryOf(5, 4), fault: { contentLength: 2_000_000_000 } },
      ]);
      const run = await playThrough(h, 'huge-length', script);
      expectPlayable(run.result, { sources: /^a+$/ });
      const tooLarge = run.events.filter((event) => event.code === 'upstream-too-large');
      expect(tooLarge.map((event) => event.kind)).toEqual(['error', 'segment-invalid', 'segment-invalid']);
      tooLarge.forEach((event, index) => {
        expect(event.message).toMatch(/announces 2000000000 bytes/);
        // Refused as soon as the header arrived: nowhere near a body timeout.
        expect(event.at - script.hits[index]!.at).toBeLessThan(500);
      });
      expect(run.figures.memory.rssPeak - run.figures.memory.rssBefore).toBeLessThan(RSS_GROWTH_LIMIT);
      expectMemoryBounded(run.figures.memory);
    });

    it('TS → fMP4 source switch: EXT-X-MAP after the discontinuity, players go on, continuous TS sends null packets instead of MP4', async () => {
      await h.playlist('mixed');
      const stream = await recordStream(`${h.baseUrl}/stream/mixed.ts`);
      const watch = await watchProcess();
      const splices: number[] = [];
      const plan = ['mix-f', 'mix-ts'];
      const result = await followRelay(h, 'mixed', {
        pollMs: 150,
        timeoutMs: 45_000,
        done: (r) => splices.length === 2 && r.segments.length >= 26,
        onPoll: async (r) => {
          const to = plan[splices.length];
          if (to === undefined || r.segments.length < 6 + splices.length * 10) return;
          const response = await h.api('POST', '/api/channels/mixed/switch', { sourceId: to });
          expect(response.status).toBe(200);
          const outcome = response.json as SwitchOutcome;
          splices.push(outcome.ok ? outcome.switch!.at : Number.NaN);
        },
      });
      await sleep(500);
      const received = stream.stop();
      const figures = await watch.stop();

      expectPlayable(result, { sources: /^a+f+a+$/ });
      const firstF = result.segments.findIndex((segment) => segment.uri.endsWith('.m4s'));
      const lastF = result.segments.findLastIndex((segment) => segment.uri.endsWith('.m4s'));
      expect(result.segments[firstF]!.discontinuity).toBe(true);
      expect(result.segments[lastF + 1]!.discontinuity).toBe(true);
      for (const segment of result.segments.slice(firstF, lastF + 1)) expect(segment.map).toMatch(/^URI="\/stream\/mixed\/init\/\d+\.mp4"$/);
      for (const segment of result.segments.slice(0, firstF)) expect(segment.map).toBeNull();
      // In the playlist text the map comes right after the discontinuity, and the version allows it.
      const withSplice = result.playlists.find((p) => p.text.includes(result.segments[firstF]!.uri))!;
      expect(withSplice.version).toBe(6);
      expect(withSplice.text).toMatch(new RegExp(`#EXT-X-DISCONTINUITY\\n#EXT-X-MAP:URI="[^"]+"\\n#EXT-X-PROGRAM-DATE-TIME:[^\\n]+\\n#EXTINF:[^\\n]+\\n${result.segments[firstF]!.uri}\\n`));
      const init = await h.fetchBytes(/URI="([^"]+)"/.exec(result.segments[firstF]!.map!)![1]!);
      expect(init.status).toBe(200);
      expect(checkInitSection(init.body)).toEqual({ ok: true });
      expect(init.body.equals((await loadFixtureSource('f')).init!)).toBe(true);

      // The continuous TS output stays TS throughout: null packets while the source is fMP4, then TS
      // again, starting with the splice marker.
      expect(splices.every(Number.isFinite)).toBe(true);
      expect(checkTransportStream(received.bytes)).toEqual({ ok: true });
      expect(received.bytes.includes('moof')).toBe(false);
      const during = received.packetsBetween(splices[0]! + 200, splices[1]!);
      expect(during.length).toBeGreaterThan(0);
      expect(during.every((packet) => pidOf(packet) === NULL_PID)).toBe(true);
      const back = received.packetsBetween(splices[1]!, Infinity).filter((packet) => pidOf(packet) !== NULL_PID);
      expect(back.length).toBeGreaterThan(100);
      expect(back[0]![3]! >> 4).toBe(0x2);
      expect(back[0]![5]! & 0x80).toBe(0x80);

      const snapshot = await snapshotOf(h, 'mixed');
      expect(snapshot).toMatchObject({ state: 'playing', activeSourceId: 'mix-ts' });
      const events = await timelineOf(h, 'mixed');
      expect(events.filter((event) => event.kind === 'switch').map((event) => event.sourceId)).toEqual(['mix-f', 'mix-ts']);
      report('mixed', { states: [snapshot.state], events, figures, result });
      expectMemoryBounded(figures.memory);
    });

    it('fMP4 → TS source switch: the TS segments get an EXT-X-MAP of their own (PAT/PMT), not the fMP4 one', async () => {
      let switched = false;
      const result = await followRelay(h, 'back', {
        pollMs: 150,
        timeoutMs: 30_000,
        done: (r) => switched && r.segments.filter((segment) => segment.uri.endsWith('.ts')).length >= 6,
        onPoll: async (r) => {
          if (switched || r.segments.length < 6) return;
          switched = true;
          expect((await h.api('POST', '/api/channels/back/switch', { sourceId: 'back-ts' })).status).toBe(200);
        },
      });
      expectPlayable(result, { sources: /^f+a+$/ });
      const fMp4Map = result.segments[0]!.map;
      expect(fMp4Map).toMatch(/^URI=/);
      // RFC 8216 §4.3.2.5: an EXT-X-MAP applies to every later segment until the next EXT-X-MAP, so TS
      // segments listed after fMP4 ones need their own.
      const ts = result.segments.filter((segment) => segment.uri.endsWith('.ts'));
      const listedAfterMap = ts.filter((segment) => result.playlists.some((p) => p.text.includes('#EXT-X-MAP') && p.text.includes(`${segment.uri}\n`)));
      expect(listedAfterMap.length).toBeGreaterThan(0);
      for (const segment of listedAfterMap) {
        expect(segment.map, segment.uri).toMatch(/^URI="\/stream\/back\/init\/\d+\.ts"$/);
        const init = await h.fetchBytes(/URI="([^"]+)"/.exec(segment.map!)![1]!);
        expect(init.status).toBe(200);
        expect(checkTransportStream(init.body)).toEqual({ ok: true });
        expect(pidOf(init.body)).toBe(0);
      }
      const maps = new Set(listedAfterMap.map((segment) => segment.map));
      console.log(`[back] ${listedAfterMap.length} TS segments listed after the fMP4 run, with ${maps.size} different EXT-X-MAP URIs`);
      // One source's tables make one init section (continuity counters aside).
      expect(maps.size).toBe(1);
    });
  });

  describe('engine defaults', () => {
    let h: Harness;
    /** Fixture 'a' with 1.5 s segments: a 6 s segment deadline, so reading 64 MiB is cut by the cap, not the clock. */
    let slowA: Awaited<ReturnType<typeof loadFixtureSource>>;
    let bigBody: ReturnType<typeof hugePlaylist> | undefined;

    beforeAll(async () => {
      const a = await loadFixtureSource('a');
      slowA = { ...a, id: 'slow-a', segments: a.segments.map((segment) => ({ ...segment, duration: 1.5 })) };
      h = await startHarness({
        origin: {
          sources: [
            { id: 'bursts', fixture: 'a' },
            { id: 'capped', fixture: slowA },
            { id: 'big', fixture: 'a', startMsn: 60_000 },
            { id: 'neighbour', fixture: 'a' },
          ],
          fault: originFault,
        },
        channels: ['bursts', 'capped', 'big', 'neighbour'].map((id) => sourceChannel(id, [id])),
      });
    });
    afterAll(() => h?.close());

    it('500/502/503 burst: exponential backoff (1, 2, 4 s), retrying → playing, the lost stretch marked', async () => {
      const script = faultScript('bursts', [
        { when: playlist, fault: { status: 500 } },
        { when: playlist, fault: { status: 502 } },
        { when: playlist, fault: { status: 503 } },
        { when: firstTryOf(1, 0), fault: { status: 503 } },
      ]);
      const run = await playThrough(h, 'bursts', script);
      expectPlayable(run.result, { sources: /^a+$/ });
      // Seven seconds of backoff outlast the origin's window: the player sees where data was lost.
      expect(discontinuities(run.result)).toBeGreaterThan(0);
      const loads = h.origin.requests.filter((r) => r.sourceId === 'bursts' && r.kind === 'playlist' && r.at >= run.startedAt);
      const first = loads.findIndex((load) => load.status === 500);
      expect(loads.slice(first, first + 4).map((load) => load.status)).toEqual([500, 502, 503, 200]);
      [1000, 2000, 4000].forEach((wait, step) => expect(loads[first + step + 1]!.at - loads[first + step]!.at).toBeGreaterThanOrEqual(wait - 50));
      // A 503 on a segment is retried, and the segment relayed whole.
      expect(h.origin.segmentGets('bursts').get(script.hits.at(-1)!.msn!)).toBe(2);

      expect(run.states[0]).toBe('playing');
      expect(run.states).toContain('retrying');
      expect(run.snapshot.state).toBe('playing');
      const errors = run.events.filter((event) => event.kind === 'error');
      expect(errors.map((event) => /HTTP (\d+)/.exec(event.message)?.[1])).toEqual(['500', '502', '503', '503']);
      expect(errors.every((event) => event.code === 'upstream-status')).toBe(true);
      expect(run.events.filter((event) => event.kind === 'backoff').map((event) => event.message)).toEqual([
        expect.stringMatching(/in 2\.0 s/),
        expect.stringMatching(/in 4\.0 s/),
      ]);
      expect(run.events.some((event) => event.kind === 'recovered')).toBe(true);
      expectMemoryBounded(run.figures.memory);
    });

    it('an endless segment at the real 64 MiB cap: cut there every time, memory flat from one to the next', async () => {
      const cap = 64 * MiB;
      const rssAtHit: number[] = [];
      const steps = Array.from({ length: 4 }, () => ({ when: firstTryOf(2, 1), fault: { endless: true } as Fault }));
      const script = faultScript('capped', steps, () => rssAtHit.push(process.memoryUsage.rss()));
      const run = await playThrough(h, 'capped', script, { warmSegments: 4, segmentsAfter: 3, timeoutMs: 60_000 });
      expectPlayable(run.result, { sources: /^a+$/ });
      const cut = run.events.filter((event) => event.code === 'upstream-too-large');
      expect(cut).toHaveLength(4);
      for (const event of cut) expect(event.message).toMatch(`more than ${cap} bytes`);
      const { memory } = run.figures;
      console.log(`[capped] RSS when each endless body started: ${rssAtHit.map((rss) => `${(rss / MiB).toFixed(0)}`).join(', ')} MiB`);
      // One body up to the cap is held while it is read, and V8 may not have freed the previous one yet.
      expect(memory.rssPeak - memory.rssBefore).toBeLessThan(2 * cap + RSS_GROWTH_LIMIT);
      // Flat: one body's worth stays mapped (the allocator keeps freed memory), never more. Had the cut
      // bodies been kept, the fourth endless body would start three caps above where the first one did.
      expect(Math.max(...rssAtHit) - rssAtHit[0]!).toBeLessThan(cap + 32 * MiB);
      // Nothing of the cut bodies is still referenced.
      expect(memory.buffersAfter - memory.buffersBefore).toBeLessThan(BUFFER_GROWTH_LIMIT);
      expect(run.snapshot.state).toBe('playing');
    });

    it('a playlist of 100 000 lines: parsed and played, while another channel plays on without a hitch', async () => {
      await Promise.all([h.playlist('neighbour'), h.playlist('big')]);
      bigBody = hugePlaylist(h.origin, 'big');
      rules.set('big', (request) => (request.kind === 'playlist' ? { body: bigBody!.current() } : undefined));
      const watch = await watchProcess();
      const states = watchStates(h, 'neighbour');
      const [neighbour, big] = await Promise.all([
        followRelay(h, 'neighbour', { pollMs: 150, timeoutMs: 15_000, done: () => false }),
        followRelay(h, 'big', { pollMs: 150, timeoutMs: 15_000, done: () => false }),
      ]);
      rules.delete('big');
      const figures = await watch.stop();
      const neighbourStates = await states.stop();
      const bigSnapshot = await snapshotOf(h, 'big');
      const bigLoads = h.origin.requests.filter((r) => r.sourceId === 'big' && r.kind === 'playlist').length;
      console.log(
        `[big] ${bigBody.lines} lines, ${(bigBody.bytes / MiB).toFixed(1)} MiB; big ${bigSnapshot.state} (${big.segments.length} segments), ` +
          `neighbour ${neighbourStates.join(' → ')} (${neighbour.segments.length} segments, longest gap ${longestGap(neighbour)} ms); ` +
          `event loop delay p50 ${figures.load.loopDelayP50Ms.toFixed(0)} ms, p99 ${figures.load.loopDelayP99Ms.toFixed(0)} ms, ` +
          `max ${figures.load.loopDelayMaxMs.toFixed(0)} ms over ${bigLoads} loads of the big playlist | ${describeMemory(figures.memory)}`,
      );

      expect(bigBody.lines).toBeGreaterThanOrEqual(100_000);
      // The neighbour never noticed: segments kept coming about every target duration, never stalled.
      expectPlayable(neighbour, { lossless: true, sources: /^a+$/ });
      expect(neighbour.segments.length).toBeGreaterThanOrEqual(20);
      expect(longestGap(neighbour)).toBeLessThan(3000);
      expect(neighbourStates).toEqual(['playing']);
      // Each parse blocks the event loop for a while (a few hundred ms here); never for a second.
      expect(figures.load.loopDelayMaxMs).toBeLessThan(1000);
      // The huge playlist itself: either played from its live edge, or refused with a clear error.
      if (bigSnapshot.state === 'playing') {
        expectPlayable(big, { sources: /^a+$/ });
        expect(big.segments.length).toBeGreaterThanOrEqual(20);
      } else {
        expect(['playlist-invalid', 'upstream-too-large']).toContain(bigSnapshot.health.lastError?.code);
      }
      expectMemoryBounded(figures.memory);
    });
  });
});

// ---- helpers of single cases ----------------------------------------------------------------------

/**
 * The live playlist of `sourceId` padded to 100 000 lines: 49 994 old entries (one shared URI, never
 * fetched) before the six real ones. Rebuilt only when the window moves.
 */
function hugePlaylist(origin: LiveOrigin, sourceId: string) {
  const entries = 50_000;
  const real = 6;
  const filler = '#EXTINF:0.500000,\nold.ts\n'.repeat(entries - real);
  let cached: { first: number; body: Buffer } | undefined;
  const build = (first: number) => {
    const head = `#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:1\n#EXT-X-MEDIA-SEQUENCE:${first + real - entries}\n`;
    const tail = Array.from({ length: real }, (_, index) => `#EXTINF:0.500000,\nseg-${first + index}.ts\n`).join('');
    return Buffer.from(head + filler + tail);
  };
  const sample = build(origin.mediaSequence(sourceId));
  return {
    lines: sample.toString().split('\n').length - 1,
    bytes: sample.length,
    current() {
      const first = origin.mediaSequence(sourceId);
      if (cached?.first !== first) cached = { first, body: build(first) };
      return cached.body;
    },
  };
}

function longestGap(result: FollowResult): number {
  let longest = 0;
  for (let index = 1; index < result.segments.length; index += 1) {
    longest = Math.max(longest, result.segments[index]!.listedAt - result.segments[index - 1]!.listedAt);
  }
  return longest;
}

const NULL_PID = 0x1fff;
const pidOf = (packet: Buffer) => ((packet[1]! & 0x1f) << 8) | packet[2]!;

/** Reads a continuous TS response, remembering when each packet arrived. */
async function recordStream(url: string) {
  const response = await new Promise<IncomingMessage>((resolve, reject) => get(url, resolve).on('error', reject));
  expect(response.headers['content-type']).toBe('video/mp2t');
  const chunks: { at: number; bytes: Buffer }[] = [];
  response.on('data', (bytes: Buffer) => chunks.push({ at: Date.now(), bytes }));
  return {
    stop() {
      response.destroy();
      const bytes = Buffer.concat(chunks.map((chunk) => chunk.bytes));
      // Each packet is dated by the chunk that completed it.
      const packets: { at: number; packet: Buffer }[] = [];
      let received = 0;
      for (const chunk of chunks) {
        received += chunk.bytes.length;
        for (let start = packets.length * 188; start + 188 <= received; start += 188) packets.push({ at: chunk.at, packet: bytes.subarray(start, start + 188) });
      }
      return {
        bytes,
        /** Packets that ended in a chunk received in [from, to). */
        packetsBetween: (from: number, to: number) => packets.filter(({ at }) => at >= from && at < to).map(({ packet }) => packet),
      };
    },
  };
}

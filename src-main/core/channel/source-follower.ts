import type { SourceConfig } from '../../shared/lineup-types.js';
import { RelayError, isRelayError } from '../errors.js';
import type { Logger } from '../logger.js';
import { decryptAes128 } from '../media/aes-128.js';
import { checkInitSection, checkMediaSegment, detectContainer, type Container } from '../media/check-segment.js';
import { parsePlaylist } from '../playlist/parse-playlist.js';
import type { InitSection, MediaPlaylist, UpstreamSegment, Variant } from '../playlist/playlist-types.js';
import { nextReloadDelay } from '../playlist/reload-delay.js';
import { selectAudioMedia, selectVariant } from '../playlist/select-variant.js';
import { isRetryableStatus, retryDelay, type BackoffPolicy } from '../upstream/backoff.js';
import { LruMap } from '../upstream/lru-map.js';
import type { ByteRange, UpstreamClient, UpstreamKind } from '../upstream/upstream-client.js';
import type { Clock } from '../time.js';
import { createAudioRendition, type AudioRendition } from './audio-rendition.js';
import { contentKey, planSegments, type FollowPosition } from './plan-segments.js';
import type { RequestGate } from './request-gate.js';

/** A downloaded, checked segment, ready to store. */
export interface FetchedSegment {
  upstream: UpstreamSegment;
  bytes: Buffer;
  downloadMs: number;
  container: Container;
  /** Starts a new run: an upstream discontinuity, a skipped, gap or lost segment before it, or a restart. */
  discontinuity: boolean;
  init?: { uri: string; bytes: Buffer };
  key?: { uri: string; bytes: Buffer; iv: Buffer };
}

export interface PlaylistInfo {
  targetDuration: number;
  endList: boolean;
  newestMsn: number | null;
  segmentCount: number;
  variant: Variant | null;
}

/** What a follower reports, in order. `segment` is called synchronously before the next download. */
export interface FollowerListener {
  playlist(info: PlaylistInfo): void;
  segment(segment: FetchedSegment): void;
  /** A listed segment that was not stored (failed or invalid); the next stored one is a discontinuity. */
  skipped(msn: number, error: RelayError): void;
  /** A request failed; the follower waits `retryInMs` before the next one. */
  failure(error: RelayError, failures: number, retryInMs: number): void;
  /** The first success after failures. */
  recovered(): void;
  /** The upstream playlist ended (#EXT-X-ENDLIST) and every listed segment was handled. */
  ended(): void;
}

export interface SourceFollowerOptions {
  source: SourceConfig;
  userAgent: string;
  /** Segments taken from the live edge on the first load (3 at start, 1 for a switch). */
  liveEdge: number;
  backoff: BackoffPolicy;
  /** Attempts per segment before it is skipped. */
  segmentAttempts: number;
}

export interface FollowerDeps {
  client: UpstreamClient;
  gate: RequestGate;
  clock: Clock;
  logger: Logger;
}

export interface SourceFollower {
  readonly sourceId: string;
  /** Consecutive failed requests (0 when healthy). */
  readonly failures: number;
  /** Resolves when the loop has finished (stopped, aborted or ended). */
  readonly done: Promise<void>;
  /** Aborts in-flight requests at once; no segment is reported after it returns. */
  stop(): void;
}

const RECENT_SEGMENTS = 64;

/**
 * Follows one upstream source by media sequence number: every listed segment is downloaded once, checked,
 * and reported in order, however playlist reloads and downloads are timed.
 */
export function startSourceFollower(
  options: SourceFollowerOptions,
  deps: FollowerDeps,
  listener: FollowerListener,
): SourceFollower {
  const controller = new AbortController();
  const { signal } = controller;
  const { client, gate, clock, logger } = deps;
  const { source } = options;
  const resources = new LruMap<string, Buffer>(8);
  let failures = 0;
  let mediaUrl: string | null = null;
  let variant: Variant | null = null;
  let audio: { uri: string; rendition: AudioRendition } | null = null;
  let targetDuration = 6;

  async function fetchUpstream(url: string, kind: UpstreamKind, deadlineMs: number, range?: ByteRange) {
    await gate.pass(signal);
    if (signal.aborted) throw new RelayError('aborted', 'Follower stopped');
    return client.fetch({
      url,
      kind,
      userAgent: source.userAgent ?? options.userAgent,
      ...(source.headers ? { headers: source.headers } : {}),
      ...(range ? { range } : {}),
      signal,
      deadlineMs,
    });
  }

  async function loadMediaPlaylist(): Promise<MediaPlaylist> {
    const response = await fetchUpstream(mediaUrl ?? source.url, 'playlist', playlistDeadline());
    const playlist = parsePlaylist(response.body.toString('utf8'), response.finalUrl);
    if (playlist.kind === 'media') {
      mediaUrl ??= response.finalUrl;
      return playlist;
    }
    // A master playlist: pick the variant once and keep following it across reloads.
    variant = selectVariant(playlist, source.variant);
    const media = await loadVariant(variant.uri);
    mediaUrl = variant.uri;
    const audioMedia = selectAudioMedia(playlist, variant, source.variant?.audioLanguage);
    if (audioMedia?.uri !== audio?.uri) {
      const deps = { loadPlaylist: loadVariant, loadSegment: loadAudioSegment, loadInit, clock, logger, backoff: options.backoff, signal };
      audio = audioMedia ? { uri: audioMedia.uri, rendition: createAudioRendition(audioMedia.uri, deps) } : null;
    }
    return media;
  }

  function playlistDeadline(): number {
    return clamp(targetDuration * 2000, 3000, 15_000);
  }

  /** A media playlist named by a master playlist (a variant or an audio rendition). */
  async function loadVariant(url: string): Promise<MediaPlaylist> {
    const response = await fetchUpstream(url, 'playlist', playlistDeadline());
    const media = parsePlaylist(response.body.toString('utf8'), response.finalUrl);
    if (media.kind !== 'media') throw new RelayError('playlist-invalid', 'A playlist named by the master playlist is itself a master playlist');
    return media;
  }

  async function loadAudioSegment(segment: UpstreamSegment): Promise<Buffer> {
    const response = await fetchUpstream(segment.uri, 'segment', clamp(segment.duration * 2000, 2000, 10_000), segment.byterange);
    if (!segment.key) return response.body;
    if (segment.key.method !== 'AES-128') throw new RelayError('segment-invalid', `Audio encrypted with ${segment.key.method} cannot be muxed`);
    const key = await loadKey(segment);
    return decryptAes128(response.body, key.bytes, key.iv);
  }

  function loadInit(map: InitSection): Promise<Buffer> {
    return fetchResource(map.uri, 'init', map.byterange);
  }

  function noteFailure(error: RelayError): number {
    failures += 1;
    const wait = retryDelay(failures, options.backoff, error.retryAfterMs);
    listener.failure(error, failures, wait);
    return wait;
  }

  function noteSuccess(): void {
    if (failures === 0) return;
    failures = 0;
    listener.recovered();
  }

  async function fetchResource(uri: string, kind: UpstreamKind, range?: ByteRange): Promise<Buffer> {
    const cacheKey = range ? `${uri}#${range.offset}-${range.length}` : uri;
    const cached = resources.get(cacheKey);
    if (cached) return cached;
    const response = await fetchUpstream(uri, kind, 10_000, range);
    resources.set(cacheKey, response.body);
    return response.body;
  }

  async function downloadSegment(segment: UpstreamSegment, splice: boolean, edgeSeconds: number): Promise<FetchedSegment> {
    const deadline = clamp(segment.duration * 4000, 3000, 60_000);
    const response = await fetchUpstream(segment.uri, 'segment', deadline, segment.byterange);
    const init = segment.map ? { uri: segment.map.uri, bytes: await loadInit(segment.map) } : undefined;
    if (init) assertValid(checkInitSection(init.bytes), 'init section');
    const key = segment.key ? await loadKey(segment) : undefined;
    const plain = key && segment.key?.method === 'AES-128' ? decryptAes128(response.body, key.bytes, key.iv) : response.body;
    const container = detectContainer(plain, init !== undefined);
    // SAMPLE-AES encrypts inside the container, so its structure can be checked as is.
    assertValid(checkMediaSegment(plain, container), 'segment');
    const discontinuity = segment.discontinuity || splice;
    // With a separate audio rendition the stored segment is the decrypted video with the audio muxed in.
    const muxed =
      audio && container !== 'packed-audio' && segment.key?.method !== 'SAMPLE-AES'
        ? await audio.rendition.muxInto({ bytes: plain, ...(init ? { init } : {}) }, segment, edgeSeconds, discontinuity)
        : null;
    const storedInit = muxed?.init ?? init;
    return {
      upstream: segment,
      bytes: muxed?.bytes ?? response.body,
      downloadMs: response.elapsedMs,
      container,
      discontinuity,
      ...(storedInit ? { init: storedInit } : {}),
      ...(key && !muxed ? { key } : {}),
    };
  }

  async function loadKey(segment: UpstreamSegment) {
    const key = segment.key!;
    const bytes = await fetchResource(key.uri, 'key');
    if (key.method === 'AES-128' && bytes.length !== 16) {
      throw new RelayError('segment-invalid', `AES-128 key is ${bytes.length} bytes, not 16`);
    }
    return { uri: key.uri, bytes, iv: key.iv ?? sequenceIv(segment.msn) };
  }

  /** Downloads with retries; returns null when the segment has to be skipped. */
  async function fetchWithRetries(segment: UpstreamSegment, splice: boolean, edgeSeconds: number): Promise<FetchedSegment | null> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        const fetched = await downloadSegment(segment, splice, edgeSeconds);
        noteSuccess();
        return fetched;
      } catch (caught) {
        const error = asRelayError(caught);
        if (signal.aborted) return null;
        const retryable = isTransient(error) && attempt < options.segmentAttempts;
        if (!retryable) {
          logger.warn(`Skipping segment ${segment.msn} of ${source.id}: ${error.message}`, { code: error.code });
          listener.skipped(segment.msn, error);
          if (isTransient(error)) await clock.sleep(noteFailure(error), signal);
          return null;
        }
        await clock.sleep(noteFailure(error), signal);
        if (signal.aborted) return null;
      }
    }
  }

  async function run(): Promise<void> {
    let position: FollowPosition | null = null;
    const recent = new Map<number, string>();
    let newestSeen: number | null = null;
    let pendingSplice = false;
    let staleReloads = 0;
    while (!signal.aborted) {
      const loadStart = clock.now();
      let playlist: MediaPlaylist;
      try {
        playlist = await loadMediaPlaylist();
        noteSuccess();
      } catch (caught) {
        const error = asRelayError(caught);
        if (signal.aborted) return;
        // A dead variant URL: pick a variant from the master again next time.
        if (error.code === 'upstream-status' && variant) mediaUrl = null;
        await clock.sleep(noteFailure(error), signal);
        continue;
      }
      targetDuration = playlist.targetDuration;
      const newest = playlist.segments.at(-1)?.msn ?? null;
      listener.playlist({ targetDuration, endList: playlist.endList, newestMsn: newest, segmentCount: playlist.segments.length, variant });

      const plan = planSegments(playlist, position, options.liveEdge);
      // Stale for several reloads, then new numbers: an encoder restart that reused recent numbers and names
      // cannot be told from a lagging CDN copy (re-fetching would store duplicates), but where it resumes is
      // marked as a new run.
      if (plan.kind === 'stale') {
        if (changedSince(newestSeen, newest)) staleReloads += 1;
      } else {
        if (plan.kind === 'continue' && staleReloads >= 2) pendingSplice = true;
        staleReloads = 0;
      }
      if (plan.kind === 'gap' || plan.kind === 'reset') {
        logger.info(`Source ${source.id}: ${plan.kind === 'gap' ? 'segments lost, resuming' : 'media sequence restarted'}`);
        if (plan.kind === 'reset') recent.clear();
      }
      pendingSplice ||= plan.discontinuity;
      const edgeSeconds = secondsToEnd(playlist);
      for (const segment of plan.segments) {
        if (signal.aborted) return;
        if (segment.gap) {
          pendingSplice = true;
        } else {
          const fetched = await fetchWithRetries(segment, pendingSplice, edgeSeconds.get(segment.msn) ?? 0);
          if (signal.aborted) return;
          if (fetched) listener.segment(fetched);
          pendingSplice = fetched === null;
        }
        recent.set(segment.msn, contentKey(segment.uri));
        if (recent.size > RECENT_SEGMENTS) recent.delete(recent.keys().next().value!);
        position = { lastMsn: segment.msn, recent };
      }
      if (playlist.endList && (position === null || newest === null || position.lastMsn >= newest)) {
        listener.ended();
        return;
      }
      const changed = newest !== newestSeen;
      newestSeen = newest;
      await clock.sleep(nextReloadDelay(targetDuration, changed, clock.now() - loadStart), signal);
    }
  }

  const done = run().catch((error: unknown) => {
    logger.error(`Follower of ${source.id} crashed: ${(error as Error)?.stack ?? String(error)}`);
    if (!signal.aborted) listener.failure(asRelayError(error), failures + 1, 0);
  });

  return {
    sourceId: source.id,
    get failures() {
      return failures;
    },
    done,
    stop() {
      controller.abort();
    },
  };
}

/** For each listed segment: the seconds from its start to the end of the playlist. */
function secondsToEnd(playlist: MediaPlaylist): Map<number, number> {
  const seconds = new Map<number, number>();
  let total = 0;
  for (let index = playlist.segments.length - 1; index >= 0; index -= 1) {
    const segment = playlist.segments[index]!;
    total += segment.duration;
    seconds.set(segment.msn, total);
  }
  return seconds;
}

function changedSince(previous: number | null, current: number | null): boolean {
  return previous !== null && current !== null && current !== previous;
}

function asRelayError(error: unknown): RelayError {
  return isRelayError(error) ? error : new RelayError('internal', (error as Error)?.message ?? String(error), { cause: error });
}

/** Failures worth another attempt: the network, timeouts, cut bodies, 5xx, 429 and 509. */
function isTransient(error: RelayError): boolean {
  switch (error.code) {
    case 'upstream-network':
    case 'upstream-timeout':
    case 'upstream-truncated':
    case 'upstream-refused':
      return true;
    case 'upstream-status':
      return isRetryableStatus(error.status ?? 0);
    default:
      return false;
  }
}

function assertValid(check: { ok: true } | { ok: false; reason: string }, what: string): void {
  if (!check.ok) throw new RelayError('segment-invalid', `Invalid ${what}: ${check.reason}`);
}

/** RFC 8216 §5.2: without an IV attribute, the IV is the media sequence number as a 128-bit big-endian. */
function sequenceIv(msn: number): Buffer {
  const iv = Buffer.alloc(16);
  iv.writeBigUInt64BE(BigInt(msn), 8);
  return iv;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

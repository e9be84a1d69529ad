import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { RelayError } from '../core/errors.js';
import { DEMO_SOURCE_IDS, loadFixtureSource, type FixtureSource } from './fixtures.js';
import { createLiveTimeline, discontinuitySequenceAt, isLoopBoundary, type LiveTimeline } from './live-timeline.js';
import { applyRange, sendReply, type Fault, type OriginReply } from './origin-reply.js';
import {
  renderOriginMasterPlaylist,
  renderOriginPlaylist,
  type OriginPlaylistSegment,
} from './render-origin-playlist.js';
import { encryptSegment, explicitIv, implicitIv } from './segment-encryption.js';

export type { Fault } from './origin-reply.js';
export type {
  BodyFault,
  ContentLengthFault,
  CorruptSyncByteFault,
  DelayFault,
  EndlessFault,
  ResetFault,
  StallFault,
  StatusFault,
  TruncateFault,
} from './origin-reply.js';

/**
 * How segment (and init/key) URIs are written in the media playlist:
 * 'relative' `seg-123.ts`, 'root-relative' `/a/seg-123.ts`, 'absolute' `http://127.0.0.1:port/a/seg-123.ts`,
 * 'tokenized' `seg-123.ts?token=…` with a new token on every playlist load (unknown tokens get 403).
 */
export type UriStyle = 'relative' | 'root-relative' | 'absolute' | 'tokenized';

/** What a killed source answers: a TCP reset, or 503 Service Unavailable. */
export type KillMode = 'reset' | 'unavailable';

/** AES-128 for a TS source; `iv: 'explicit'` writes an IV attribute per segment, 'implicit' (default) uses the msn. */
export interface EncryptionOptions {
  key: Buffer;
  iv?: 'explicit' | 'implicit';
}

export interface LiveSourceOptions {
  /** EXT-X-MEDIA-SEQUENCE of the first playlist (the window starts full). Default 100. */
  startMsn?: number;
  /** Segments listed in the playlist. Default 6. */
  windowSize?: number;
  /** Write EXT-X-PROGRAM-DATE-TIME on every segment. Default false. */
  programDateTime?: boolean;
  /** Default 'relative'. */
  uriStyle?: UriStyle;
  /**
   * Serve each pass through the fixture as one file `stream-<loop>.ts` and list segments as
   * EXT-X-BYTERANGE slices of it (Range requests get 206). Default false.
   */
  byteRange?: boolean;
  /** Start encrypted (segments only: an fMP4 init section stays clear; not with byteRange); setEncryption() changes it later. */
  encryption?: EncryptionOptions;
}

export interface LiveSourceConfig extends LiveSourceOptions {
  /** URL path segment of the source: letters, digits, '-' and '_'. */
  id: string;
  /** The fixture to loop: a committed fixture id (default: `id`) or an already loaded source. */
  fixture?: string | FixtureSource;
}

export interface MasterVariant {
  sourceId: string;
  /** Bits per second, as written in BANDWIDTH. */
  bandwidth: number;
  /** e.g. '320x180'. */
  resolution?: string;
  /** A source serving the variant's audio as a separate rendition (EXT-X-MEDIA TYPE=AUDIO). */
  audioSourceId?: string;
  /** More renditions in the same group, in other languages (not DEFAULT). */
  otherAudio?: { sourceId: string; language: string }[];
}

export type OriginRequestKind = 'playlist' | 'segment' | 'init' | 'key' | 'master' | 'other';

/** What a fault rule sees of a request. */
export interface OriginRequest {
  sourceId?: string;
  kind: OriginRequestKind;
  /** For segments; for a byte-range source only when the range starts at a segment. */
  msn?: number;
  /** Path without the query string. */
  path: string;
  headers: IncomingHttpHeaders;
  /** How many times this path was requested before this request (0 for the first). */
  count: number;
}

/**
 * Decides, per request, whether to misbehave; `undefined` means answer normally. A fault takes precedence
 * over kill(); a rule that throws gets that request a 500.
 */
export type FaultRule = (request: OriginRequest) => Fault | undefined;

/** One request as the origin saw it. */
export interface OriginRequestRecord {
  /** Clock time (ms) when the request arrived. */
  at: number;
  method: string;
  /** Path with the query string. */
  path: string;
  sourceId?: string;
  kind: OriginRequestKind;
  msn?: number;
  /** Status sent; 0 while not answered yet or when the connection was reset instead. */
  status: number;
  userAgent?: string;
  headers: IncomingHttpHeaders;
  /** Which TCP connection carried it (1, 2, … in accept order). */
  socketId: number;
}

export interface LiveOriginOptions {
  /** Default 0 (any free port). The origin always listens on 127.0.0.1. */
  port?: number;
  /** Sources to serve, by fixture id or with options. Default: every committed demo source (a, b, c, f). */
  sources?: readonly (string | LiveSourceConfig)[];
  /** Variants of /master.m3u8. Default: one per source, BANDWIDTH measured from its fixture. */
  variants?: readonly MasterVariant[];
  fault?: FaultRule;
  /** Ms since the epoch. Default Date.now. */
  now?: () => number;
}

export interface LiveOrigin {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  readonly url: string;
  readonly port: number;
  readonly masterUrl: string;
  readonly sourceIds: readonly string[];
  /** The last 20 000 requests, oldest first. */
  readonly requests: readonly OriginRequestRecord[];
  /** TCP connections accepted since start. */
  readonly connectionsOpened: number;
  playlistUrl(sourceId: string): string;
  /** Newest msn listed now. */
  liveMsn(sourceId: string): number;
  /** EXT-X-MEDIA-SEQUENCE now (oldest msn listed). */
  mediaSequence(sourceId: string): number;
  /** The exact bytes a GET of `msn` returns now without faults (encrypted if encryption is on). */
  segmentBytes(sourceId: string, msn: number): Buffer;
  /** GET count per msn so far. */
  segmentGets(sourceId: string): Map<number, number>;
  setFault(rule: FaultRule | undefined): void;
  /** Stall: the playlist stops advancing (segments stay available). */
  pause(sourceId: string): void;
  resume(sourceId: string): void;
  /** Encoder restart: the media sequence jumps to `startMsn` (default: the source's startMsn). */
  restart(sourceId: string, options?: { startMsn?: number }): void;
  /** Adds EXT-X-ENDLIST and freezes the playlist until restart(). */
  end(sourceId: string): void;
  /** Every request for the source is answered with a reset (default) or 503 until revive(). */
  kill(sourceId: string, mode?: KillMode): void;
  revive(sourceId: string): void;
  /** Turns AES-128 on (TS sources without byteRange) or off (`undefined`). */
  setEncryption(sourceId: string, encryption: EncryptionOptions | undefined): void;
  /** Stops listening and destroys every connection, including stalled and endless responses. */
  close(): Promise<void>;
}

const DEFAULT_START_MSN = 100;
const DEFAULT_WINDOW_SIZE = 6;
const REQUEST_LOG_LIMIT = 20_000;
const TOKEN_LIMIT = 1_000;
const COUNTED_PATHS_LIMIT = 50_000;
const COUNTED_MSNS_LIMIT = 10_000;
const SOURCE_ID = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
const RESERVED_IDS = new Set(['redirect', 'loop']);

interface LiveSource {
  id: string;
  fixture: FixtureSource;
  startMsn: number;
  programDateTime: boolean;
  uriStyle: UriStyle;
  timeline: LiveTimeline;
  extension: 'ts' | 'm4s';
  targetDuration: number;
  /** byteRange: one pass through the fixture as one file, and where each segment starts in it. */
  stream?: { bytes: Buffer; offsets: number[] };
  encryption?: EncryptionOptions;
  killed?: KillMode;
  tokens: Set<string>;
  gets: Map<number, number>;
}

type Route =
  | { kind: 'master' }
  | { kind: 'redirect'; sourceId: string }
  | { kind: 'loop'; next: string }
  | { kind: 'playlist' | 'init' | 'key'; sourceId: string }
  | { kind: 'segment'; sourceId: string; msn: number; extension: string }
  | { kind: 'stream'; sourceId: string; loop: number; extension: string }
  | { kind: 'other'; sourceId?: string };

/**
 * Starts a live HLS origin on 127.0.0.1 that loops the recorded fixtures as endless live streams whose
 * window advances with the clock, with switches for stalls, restarts, outages and per-request faults.
 * Throws 'source-not-found' for an unknown fixture and 'bad-request' for invalid options.
 *
 * Routes (GET and HEAD; a single `Range: bytes=…` is honoured everywhere):
 *   /master.m3u8                  one variant per `variants` entry
 *   /<id>/index.m3u8              live media playlist
 *   /<id>/seg-<msn>.ts|.m4s       segment msn (fixture segment msn % length); 404 outside window + grace
 *   /<id>/stream-<loop>.ts|.m4s   byteRange sources: pass number `loop` through the whole fixture
 *   /<id>/init.mp4, /<id>/key.bin fMP4 init segment, AES-128 key
 *   /redirect/<id>/index.m3u8     302 to /<id>/index.m3u8
 *   /loop/0, /loop/1              302 to each other forever
 */
export async function createLiveOrigin(options: LiveOriginOptions = {}): Promise<LiveOrigin> {
  const now = options.now ?? Date.now;
  const sources = await loadSources(options.sources ?? DEMO_SOURCE_IDS, now);
  const variants = options.variants ?? [...sources.values()].map(defaultVariant);
  for (const variant of variants) {
    sourceOf(sources, variant.sourceId);
    if (variant.audioSourceId !== undefined) sourceOf(sources, variant.audioSourceId);
    for (const other of variant.otherAudio ?? []) sourceOf(sources, other.sourceId);
  }

  let faultRule = options.fault;
  let base = '';
  let connectionsOpened = 0;
  const sockets = new Map<Socket, number>();
  const requests: OriginRequestRecord[] = [];
  const pathCounts = new Map<string, number>();
  const tokenSalt = randomBytes(4).toString('hex');
  let tokenCounter = 0;

  const styledUri = (source: LiveSource, file: string, token: string | undefined): string => {
    switch (source.uriStyle) {
      case 'relative':
        return file;
      case 'root-relative':
        return `/${source.id}/${file}`;
      case 'absolute':
        return `${base}/${source.id}/${file}`;
      case 'tokenized':
        return `${file}?token=${token ?? ''}`;
    }
  };

  const issueToken = (source: LiveSource): string => {
    const token = `${tokenSalt}-${++tokenCounter}`;
    source.tokens.add(token);
    if (source.tokens.size > TOKEN_LIMIT) source.tokens.delete(source.tokens.values().next().value as string);
    return token;
  };

  const renderPlaylist = (source: LiveSource): string => {
    const { fixture, timeline, stream, encryption } = source;
    const loopLength = fixture.segments.length;
    const first = timeline.mediaSequence();
    const token = source.uriStyle === 'tokenized' ? issueToken(source) : undefined;
    const segments: OriginPlaylistSegment[] = [];
    for (let msn = first; msn < first + timeline.windowSize; msn++) {
      const index = msn % loopLength;
      const segment: OriginPlaylistSegment = {
        uri: styledUri(source, mediaFileName(source, msn), token),
        duration: fixtureSegment(fixture, index).duration,
        discontinuity: isLoopBoundary(msn, timeline.runStartMsn, loopLength),
      };
      if (source.programDateTime) segment.programDateTime = timeline.programDateTime(msn);
      if (stream !== undefined) {
        const offset = stream.offsets[index] ?? 0;
        segment.byteRange = { offset, length: fixtureSegment(fixture, index).bytes.length };
      }
      if (encryption !== undefined && (encryption.iv === 'explicit' || msn === first)) {
        segment.key = { uri: styledUri(source, 'key.bin', token) };
        if (encryption.iv === 'explicit') segment.key.iv = explicitIv(msn);
      }
      segments.push(segment);
    }
    return renderOriginPlaylist({
      version: fixture.kind === 'fmp4' ? 7 : stream !== undefined ? 4 : 3,
      targetDuration: source.targetDuration,
      mediaSequence: first,
      discontinuitySequence: discontinuitySequenceAt(first, timeline.runStartMsn, loopLength),
      ...(fixture.init === undefined ? {} : { mapUri: styledUri(source, 'init.mp4', token) }),
      segments,
      ended: timeline.ended,
    });
  };

  const tokenAccepted = (source: LiveSource, url: URL): boolean =>
    source.uriStyle !== 'tokenized' || source.tokens.has(url.searchParams.get('token') ?? '');

  // `msn` is the segment a byte-range request starts at, when it starts at one.
  const replyFor = (route: Route, url: URL, msn: number | undefined): OriginReply => {
    switch (route.kind) {
      case 'master':
        return ok(
          MPEGURL,
          renderOriginMasterPlaylist(
            variants.map(({ audioSourceId, otherAudio, ...v }) => ({
              ...v,
              uri: `${v.sourceId}/index.m3u8`,
              ...(audioSourceId === undefined ? {} : { audioUri: `${audioSourceId}/index.m3u8` }),
              ...(otherAudio === undefined ? {} : { otherAudio: otherAudio.map((other) => ({ uri: `${other.sourceId}/index.m3u8`, language: other.language })) }),
            })),
          ),
        );
      case 'redirect':
        return redirect(`${base}/${route.sourceId}/index.m3u8${url.search}`);
      case 'loop':
        return redirect(`${base}/loop/${route.next}`);
      case 'other':
        return notFound();
    }
    const source = sources.get(route.sourceId);
    if (source === undefined) return notFound();
    if (route.kind === 'playlist') return ok(MPEGURL, renderPlaylist(source));
    if (!tokenAccepted(source, url)) return status(403);
    switch (route.kind) {
      case 'init':
        return source.fixture.init === undefined ? notFound() : ok('video/mp4', source.fixture.init);
      case 'key':
        return source.encryption === undefined ? notFound() : ok('application/octet-stream', source.encryption.key);
      case 'segment':
        if (source.stream !== undefined || route.extension !== source.extension) return notFound();
        if (!source.timeline.isServable(route.msn)) return notFound();
        return ok(segmentType(source), segmentPayload(source, route.msn));
      case 'stream': {
        const loopLength = source.fixture.segments.length;
        const firstMsn = route.loop * loopLength;
        const servable =
          msn === undefined
            ? Array.from({ length: loopLength }, (_, i) => firstMsn + i).some((m) => source.timeline.isServable(m))
            : source.timeline.isServable(msn);
        if (source.stream === undefined || route.extension !== source.extension || !servable) return notFound();
        return ok(segmentType(source), source.stream.bytes);
      }
    }
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', base);
    const route = parseRoute(url.pathname);
    const sourceId = 'sourceId' in route ? route.sourceId : undefined;
    const source = sourceId === undefined ? undefined : sources.get(sourceId);
    const kind = requestKind(route);
    const msn = route.kind === 'segment' ? route.msn : streamMsn(route, source, req.headers.range);
    const count = pathCounts.get(url.pathname) ?? 0;
    boundedSet(pathCounts, url.pathname, count + 1, COUNTED_PATHS_LIMIT);

    const record: OriginRequestRecord = {
      at: now(),
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      kind,
      status: 0,
      headers: req.headers,
      socketId: sockets.get(req.socket) ?? 0,
      sourceId,
      msn,
      userAgent: req.headers['user-agent'],
    };
    requests.push(record);
    if (requests.length > REQUEST_LOG_LIMIT) requests.shift();
    if (source !== undefined && msn !== undefined && req.method === 'GET') {
      boundedSet(source.gets, msn, (source.gets.get(msn) ?? 0) + 1, COUNTED_MSNS_LIMIT);
    }

    const fault = faultRule?.({ sourceId, kind, msn, path: url.pathname, headers: req.headers, count });
    const onStatus = (sent: number) => {
      record.status = sent;
    };
    if (fault === undefined && source?.killed === 'reset') {
      req.socket.resetAndDestroy();
      return;
    }
    let reply: OriginReply;
    if (req.method !== 'GET' && req.method !== 'HEAD') reply = status(405);
    else if (fault === undefined && source?.killed === 'unavailable') reply = status(503);
    else reply = applyRange(replyFor(route, url, msn), req.headers.range);
    sendReply(res, reply, fault, onStatus);
  };

  const server = createServer((req, res) => {
    try {
      handle(req, res);
    } catch (error) {
      // A throwing fault rule (a test bug) must fail that request, not the process.
      if (res.headersSent) {
        res.destroy();
        return;
      }
      res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end(`live origin: ${error instanceof Error ? error.message : String(error)}\n`);
    }
  });
  server.on('connection', (socket: Socket) => {
    sockets.set(socket, ++connectionsOpened);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  base = `http://127.0.0.1:${port}`;

  let closing: Promise<void> | undefined;
  const source = (id: string) => sourceOf(sources, id);

  return {
    url: base,
    port,
    masterUrl: `${base}/master.m3u8`,
    sourceIds: [...sources.keys()],
    get requests() {
      return requests;
    },
    get connectionsOpened() {
      return connectionsOpened;
    },
    playlistUrl: (id) => `${base}/${source(id).id}/index.m3u8`,
    liveMsn: (id) => source(id).timeline.liveMsn(),
    mediaSequence: (id) => source(id).timeline.mediaSequence(),
    segmentBytes(id, msn) {
      checkMsn(msn, 'msn');
      return segmentPayload(source(id), msn);
    },
    segmentGets: (id) => new Map(source(id).gets),
    setFault(rule) {
      faultRule = rule;
    },
    pause: (id) => source(id).timeline.pause(),
    resume: (id) => source(id).timeline.resume(),
    restart(id, restartOptions = {}) {
      const target = source(id);
      const startMsn = restartOptions.startMsn ?? target.startMsn;
      checkMsn(startMsn, 'startMsn');
      target.timeline.restart(startMsn);
    },
    end: (id) => source(id).timeline.end(),
    kill(id, mode = 'reset') {
      source(id).killed = mode;
    },
    revive(id) {
      delete source(id).killed;
    },
    setEncryption(id, encryption) {
      const target = source(id);
      if (encryption === undefined) delete target.encryption;
      else target.encryption = checkEncryption(target, encryption);
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets.keys()) socket.destroy();
      });
      return closing;
    },
  };
}

async function loadSources(
  configs: readonly (string | LiveSourceConfig)[],
  now: () => number,
): Promise<Map<string, LiveSource>> {
  const sources = new Map<string, LiveSource>();
  const loaded = new Map<string, Promise<FixtureSource>>();
  for (const entry of configs) {
    const config = typeof entry === 'string' ? { id: entry } : entry;
    if (!SOURCE_ID.test(config.id) || RESERVED_IDS.has(config.id)) {
      throw new RelayError('bad-request', `source id "${config.id}" is not a plain path segment`);
    }
    if (sources.has(config.id)) throw new RelayError('bad-request', `source "${config.id}" is listed twice`);
    const fixtureOption = config.fixture ?? config.id;
    let fixture: FixtureSource;
    if (typeof fixtureOption === 'string') {
      const pending = loaded.get(fixtureOption) ?? loadFixtureSource(fixtureOption);
      loaded.set(fixtureOption, pending);
      fixture = await pending;
    } else {
      fixture = fixtureOption;
    }
    sources.set(config.id, createSource(config, fixture, now));
  }
  if (sources.size === 0) throw new RelayError('bad-request', 'the origin needs at least one source');
  return sources;
}

function createSource(config: LiveSourceConfig, fixture: FixtureSource, now: () => number): LiveSource {
  const startMsn = config.startMsn ?? DEFAULT_START_MSN;
  const windowSize = config.windowSize ?? DEFAULT_WINDOW_SIZE;
  checkMsn(startMsn, 'startMsn');
  if (!Number.isInteger(windowSize) || windowSize < 1) {
    throw new RelayError('bad-request', `windowSize must be a positive integer, got ${windowSize}`);
  }
  if (fixture.segments.length === 0) throw new RelayError('bad-request', `fixture "${fixture.id}" has no segments`);
  const loopSeconds = fixture.segments.reduce((sum, segment) => sum + segment.duration, 0);
  const source: LiveSource = {
    id: config.id,
    fixture,
    startMsn,
    programDateTime: config.programDateTime ?? false,
    uriStyle: config.uriStyle ?? 'relative',
    // The window advances by the mean duration, so over a loop it keeps pace with the fixture's real length.
    timeline: createLiveTimeline({
      startMsn,
      windowSize,
      segmentDurationMs: (loopSeconds * 1000) / fixture.segments.length,
      now,
    }),
    extension: fixture.kind === 'fmp4' ? 'm4s' : 'ts',
    targetDuration: Math.ceil(Math.max(...fixture.segments.map((segment) => segment.duration))),
    tokens: new Set(),
    gets: new Map(),
  };
  if (config.byteRange === true) {
    let offset = 0;
    const offsets = fixture.segments.map((segment) => (offset += segment.bytes.length) - segment.bytes.length);
    source.stream = { bytes: Buffer.concat(fixture.segments.map((segment) => segment.bytes)), offsets };
  }
  if (config.encryption !== undefined) source.encryption = checkEncryption(source, config.encryption);
  return source;
}

function checkEncryption(source: LiveSource, encryption: EncryptionOptions): EncryptionOptions {
  if (source.stream !== undefined) {
    throw new RelayError('bad-request', `source "${source.id}": AES-128 is offered for whole-file segments only, not byte ranges`);
  }
  if (encryption.key.length !== 16) throw new RelayError('bad-request', 'an AES-128 key has 16 bytes');
  return { key: Buffer.from(encryption.key), iv: encryption.iv ?? 'implicit' };
}

function checkMsn(msn: number, name: string): void {
  if (!Number.isSafeInteger(msn) || msn < 0) {
    throw new RelayError('bad-request', `${name} must be a non-negative integer, got ${msn}`);
  }
}

function sourceOf(sources: Map<string, LiveSource>, id: string): LiveSource {
  const source = sources.get(id);
  if (source === undefined) throw new RelayError('source-not-found', `the origin has no source "${id}"`);
  return source;
}

function defaultVariant(source: LiveSource): MasterVariant {
  const peak = Math.max(...source.fixture.segments.map((segment) => (segment.bytes.length * 8) / segment.duration));
  return { sourceId: source.id, bandwidth: Math.ceil(peak) };
}

function fixtureSegment(fixture: FixtureSource, index: number) {
  const segment = fixture.segments[index];
  if (segment === undefined) throw new RelayError('internal', `fixture "${fixture.id}" has no segment ${index}`);
  return segment;
}

function mediaFileName(source: LiveSource, msn: number): string {
  if (source.stream === undefined) return `seg-${msn}.${source.extension}`;
  return `stream-${Math.floor(msn / source.fixture.segments.length)}.${source.extension}`;
}

function segmentPayload(source: LiveSource, msn: number): Buffer {
  const index = msn % source.fixture.segments.length;
  const plain = fixtureSegment(source.fixture, index).bytes;
  const { encryption } = source;
  if (encryption === undefined) return plain;
  return encryptSegment(plain, encryption.key, encryption.iv === 'explicit' ? explicitIv(msn) : implicitIv(msn));
}

function segmentType(source: LiveSource): string {
  return source.extension === 'ts' ? 'video/mp2t' : 'video/iso.segment';
}

// For a byte-range source, the msn whose segment a Range request starts at.
function streamMsn(route: Route, source: LiveSource | undefined, range: string | undefined): number | undefined {
  if (route.kind !== 'stream' || source?.stream === undefined || range === undefined) return undefined;
  const start = /^bytes=(\d+)-/.exec(range)?.[1];
  const index = start === undefined ? -1 : source.stream.offsets.indexOf(Number(start));
  return index < 0 ? undefined : route.loop * source.fixture.segments.length + index;
}

function parseRoute(pathname: string): Route {
  if (pathname === '/master.m3u8') return { kind: 'master' };
  const parts = pathname.split('/').slice(1);
  const [first, second, third] = parts;
  if (first === 'redirect' && parts.length === 3 && third === 'index.m3u8' && second !== undefined) {
    return { kind: 'redirect', sourceId: second };
  }
  // /loop/0 and /loop/1 redirect to each other forever.
  if (first === 'loop' && parts.length === 2 && (second === '0' || second === '1')) {
    return { kind: 'loop', next: second === '0' ? '1' : '0' };
  }
  if (parts.length !== 2 || first === undefined || second === undefined || first === '') return { kind: 'other' };
  const sourceId = first;
  if (second === 'index.m3u8') return { kind: 'playlist', sourceId };
  if (second === 'init.mp4') return { kind: 'init', sourceId };
  if (second === 'key.bin') return { kind: 'key', sourceId };
  const media = /^(seg|stream)-(\d{1,15})\.(ts|m4s)$/.exec(second);
  if (media === null) return { kind: 'other', sourceId };
  const [, shape, number, extension = ''] = media;
  return shape === 'seg'
    ? { kind: 'segment', sourceId, msn: Number(number), extension }
    : { kind: 'stream', sourceId, loop: Number(number), extension };
}

function requestKind(route: Route): OriginRequestKind {
  switch (route.kind) {
    case 'redirect':
      return 'playlist';
    case 'loop':
      return 'other';
    case 'stream':
      return 'segment';
    default:
      return route.kind;
  }
}

const MPEGURL = 'application/vnd.apple.mpegurl';

function ok(contentType: string, body: string | Buffer): OriginReply {
  return {
    status: 200,
    headers: { 'Content-Type': contentType, 'Cache-Control': 'no-cache' },
    body: typeof body === 'string' ? Buffer.from(body) : body,
  };
}

function status(code: number): OriginReply {
  return { status: code, headers: { 'Content-Type': 'text/plain' }, body: Buffer.from(`${code}\n`) };
}

function notFound(): OriginReply {
  return status(404);
}

function redirect(location: string): OriginReply {
  return { status: 302, headers: { Location: location, 'Content-Type': 'text/plain' }, body: Buffer.from('302\n') };
}

function boundedSet<K>(map: Map<K, number>, key: K, value: number, limit: number): void {
  map.set(key, value);
  if (map.size > limit) map.delete(map.keys().next().value as K);
}

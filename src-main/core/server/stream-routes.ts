import type { IncomingMessage, ServerResponse } from 'node:http';
import type { StoredSegment } from '../buffer/stored-segment.js';
import type { Channel } from '../channel/channel.js';
import { renderChannelsM3u } from '../lineup/render-channels-m3u.js';
import { renderPlaylist } from '../playlist/render-playlist.js';
import type { Relay } from '../relay/relay.js';
import { serveContinuousTs } from './continuous-ts.js';
import { STREAM_CORS, sendBody, sendErrorCode } from './respond.js';

/** Built once: segment responses are the hot path of fan-out. */
const SEGMENT_HEADERS: Record<StoredSegment['container'], Record<string, string>> = {
  ts: segmentHeaders('video/mp2t'),
  fmp4: segmentHeaders('video/iso.segment'),
  'packed-audio': segmentHeaders('audio/aac'),
};

function segmentHeaders(type: string): Record<string, string> {
  // A stored segment never changes: players and proxies may keep it while it is listed.
  return { ...STREAM_CORS, 'content-type': type, 'cache-control': 'public, max-age=60, immutable', 'accept-ranges': 'bytes' };
}

const PLAYLIST_HEADERS = {
  ...STREAM_CORS,
  'content-type': 'application/vnd.apple.mpegurl',
  'cache-control': 'no-cache, no-store',
};

/** Identifies a player across its short HLS requests. */
export function clientKey(request: IncomingMessage): string {
  return `${request.socket.remoteAddress ?? '?'} ${(request.headers['user-agent'] ?? 'unknown player').slice(0, 120)}`;
}

/** GET /stream/<id>[.m3u8]: the live playlist, waiting briefly for the first segments after a start. */
export async function servePlaylist(channel: Channel, request: IncomingMessage, response: ServerResponse): Promise<void> {
  channel.noteClient(clientKey(request));
  const closed = new AbortController();
  response.once('close', () => closed.abort());
  const window = await channel.playlistWindow(closed.signal);
  if (closed.signal.aborted) return;
  if (!window) {
    sendErrorCode(response, 'channel-starting', `Channel ${channel.id} has no segment yet; try again shortly`, {
      ...STREAM_CORS,
      'retry-after': '1',
    });
    return;
  }
  channel.noteServed(sendBody(response, 200, renderPlaylist(channel.id, window), PLAYLIST_HEADERS, request.method === 'HEAD'));
}

/** GET /stream/<id>/segments/<n>.<ext>, with single-range support. */
export function serveSegment(channel: Channel, seq: number, request: IncomingMessage, response: ServerResponse): void {
  channel.noteClient(clientKey(request));
  const segment = channel.segment(seq);
  if (!segment) {
    sendErrorCode(response, 'not-found', `Segment ${seq} of ${channel.id} is not (or no longer) available`, STREAM_CORS);
    return;
  }
  serveBytes(channel, segment.bytes, SEGMENT_HEADERS[segment.container], request, response);
}

/** GET /stream/<id>/init/<n>.mp4 and /stream/<id>/keys/<n>.key. */
export function serveResource(channel: Channel, id: number, kind: 'init' | 'key', request: IncomingMessage, response: ServerResponse): void {
  const bytes = channel.resource(id);
  if (!bytes) {
    sendErrorCode(response, 'not-found', `No ${kind === 'init' ? 'init section' : 'key'} ${id} for ${channel.id}`, STREAM_CORS);
    return;
  }
  const type = kind === 'key' ? 'application/octet-stream' : bytes[0] === 0x47 ? 'video/mp2t' : 'video/mp4';
  serveBytes(channel, bytes, { ...STREAM_CORS, 'content-type': type, 'cache-control': 'private, max-age=60' }, request, response);
}

/** GET /channels.m3u: every enabled channel, pointing at the relay, for VLC's playlist view. */
export function serveChannelsM3u(relay: Relay, request: IncomingMessage, response: ServerResponse): void {
  const baseUrl = baseUrlFor(relay, request);
  const text = renderChannelsM3u(relay.lineup().channels, baseUrl);
  sendBody(response, 200, text, { ...STREAM_CORS, 'content-type': 'audio/x-mpegurl; charset=utf-8', 'cache-control': 'no-cache' }, request.method === 'HEAD');
}

export { serveContinuousTs };

/** The relay's address as this client reached it (LAN clients must not get 127.0.0.1 links). */
function baseUrlFor(relay: Relay, request: IncomingMessage): string {
  const host = request.headers.host;
  return host && /^[\w.\-:[\]]+$/.test(host) ? `http://${host}` : relay.serverInfo().baseUrl;
}

function serveBytes(channel: Channel, bytes: Buffer, headers: Record<string, string>, request: IncomingMessage, response: ServerResponse): void {
  const headOnly = request.method === 'HEAD';
  const range = parseRange(request.headers.range, bytes.length);
  if (range === 'invalid') {
    response.writeHead(416, { ...headers, 'content-range': `bytes */${bytes.length}` });
    response.end();
    return;
  }
  if (range) {
    const part = bytes.subarray(range.start, range.end + 1);
    channel.noteServed(sendBody(response, 206, part, { ...headers, 'content-range': `bytes ${range.start}-${range.end}/${bytes.length}` }, headOnly));
    return;
  }
  channel.noteServed(sendBody(response, 200, bytes, headers, headOnly));
}

/** A single `bytes=a-b` / `bytes=a-` / `bytes=-n` range; anything else is served whole. */
function parseRange(header: string | undefined, size: number): { start: number; end: number } | 'invalid' | null {
  if (!header) return null;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return null;
  let start: number;
  let end: number;
  if (match[1] === '') {
    start = Math.max(0, size - Number(match[2]));
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  }
  if (start > end || start >= size) return 'invalid';
  return { start, end };
}

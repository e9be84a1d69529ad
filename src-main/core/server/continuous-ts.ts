import type { IncomingMessage, ServerResponse } from 'node:http';
import type { StoredSegment } from '../buffer/stored-segment.js';
import type { Channel } from '../channel/channel.js';
import { decryptAes128 } from '../media/aes-128.js';
import { markSplice, nullPackets } from '../media/ts-packets.js';
import { STREAM_CORS } from './respond.js';

export interface ContinuousTsOptions {
  /** Null packets are sent after this much silence, so players and proxies keep the connection. */
  keepAliveMs: number;
  /** An outage longer than this ends the response. */
  maxOutageMs: number;
  /** A client this far behind (bytes queued in the socket) is dropped instead of growing memory. */
  maxQueuedBytes: number;
}

export const DEFAULT_CONTINUOUS_TS: ContinuousTsOptions = {
  keepAliveMs: 1000,
  maxOutageMs: 30_000,
  maxQueuedBytes: 32 * 1024 * 1024,
};

/**
 * GET /stream/<id>.ts: the channel as one endless MPEG-TS response, from the live edge on. Source changes
 * stay valid TS (whole packets, discontinuity indicator on the first PCR after the splice).
 */
export function serveContinuousTs(
  channel: Channel,
  clientKey: string,
  request: IncomingMessage,
  response: ServerResponse,
  options: ContinuousTsOptions = DEFAULT_CONTINUOUS_TS,
): void {
  const headers = { ...STREAM_CORS, 'content-type': 'video/mp2t', 'cache-control': 'no-store' };
  if (request.method === 'HEAD') {
    response.writeHead(200, headers);
    response.end();
    return;
  }
  const closeClient = channel.openClient(clientKey);
  response.writeHead(200, headers);
  response.flushHeaders();
  let lastDataAt = Date.now();
  let markNext = false;

  const send = (segment: StoredSegment) => {
    const bytes = transportBytes(channel, segment);
    if (!bytes) {
      // Not TS (fMP4, SAMPLE-AES): left out, and the next TS segment marks the jump.
      markNext = true;
      return;
    }
    if (response.writableLength > options.maxQueuedBytes) {
      channel.noteDropped(clientKey, `${Math.round(response.writableLength / 1024)} KiB waiting to be sent`);
      response.destroy();
      return;
    }
    // Splices made by the relay are marked when stored; a segment left out here needs the same marking.
    const out = segment.container === 'ts' && markNext ? markSplice(bytes) : bytes;
    markNext = false;
    lastDataAt = Date.now();
    response.write(out);
    channel.noteServed(out.length);
  };

  const newest = channel.newestSegment();
  if (newest) send(newest);
  const unsubscribe = channel.onSegment(send);
  const keepAlive = setInterval(() => {
    const silentMs = Date.now() - lastDataAt;
    if (silentMs > options.maxOutageMs) response.end();
    else if (silentMs >= options.keepAliveMs && response.writableLength === 0) response.write(nullPackets(7));
  }, options.keepAliveMs);

  response.once('close', () => {
    clearInterval(keepAlive);
    unsubscribe();
    closeClient();
  });
}

/** The segment as plain MPEG-TS, or null when it cannot be (fMP4, sample encryption). */
function transportBytes(channel: Channel, segment: StoredSegment): Buffer | null {
  if (segment.container !== 'ts' && segment.container !== 'packed-audio') return null;
  const encryption = segment.encryption;
  if (!encryption) return segment.bytes;
  if (encryption.method !== 'AES-128') return null;
  const key = channel.resource(encryption.keyId);
  if (!key) return null;
  try {
    return decryptAes128(segment.bytes, key, encryption.iv);
  } catch {
    return null;
  }
}

import { STATUS_CODES, type ServerResponse } from 'node:http';

/** A complete response the origin would send when nothing goes wrong. */
export interface OriginReply {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** Every fault may first hold the response back for `delayMs`. */
interface FaultDelay {
  delayMs?: number;
}

/** Answer with this status instead (e.g. 500, 503, 429 with `Retry-After`); the body defaults to the reason. */
export interface StatusFault extends FaultDelay {
  status: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

/** Answer with this body instead (an HTML page, a 100 000-line playlist); status 200 unless given. */
export interface BodyFault extends FaultDelay {
  body: string | Buffer;
  status?: number;
  headers?: Record<string, string>;
}

/** Announce the full Content-Length, send at most `truncate` bytes (never all), then close the connection. */
export interface TruncateFault extends FaultDelay {
  truncate: number;
}

/** Announce the full Content-Length, send at most `stallAfter` bytes (never all), then send nothing more. */
export interface StallFault extends FaultDelay {
  stallAfter: number;
}

/** Send the body with the sync byte of its middle 188-byte packet flipped (0x47 → 0xB8). */
export interface CorruptSyncByteFault extends FaultDelay {
  corruptSyncByte: true;
}

/** Reset the TCP connection (RST) without any response. */
export interface ResetFault extends FaultDelay {
  reset: true;
}

/** 200 without Content-Length, repeating the body until the client goes away (writes wait for drain). */
export interface EndlessFault extends FaultDelay {
  endless: true;
}

/** Announce this Content-Length (e.g. 2 GB), send the real body, then send nothing more. */
export interface ContentLengthFault extends FaultDelay {
  contentLength: number;
}

/** Only hold the normal response back. */
export interface DelayFault {
  delayMs: number;
}

export type Fault =
  | StatusFault
  | BodyFault
  | TruncateFault
  | StallFault
  | CorruptSyncByteFault
  | ResetFault
  | EndlessFault
  | ContentLengthFault
  | DelayFault;

const TS_PACKET = 188;

/**
 * Sends `reply`, altered by `fault`. `onStatus` learns the status actually sent (0 for a reset). A delayed
 * response is dropped when the client goes away first; nothing keeps running after the socket closes.
 */
export function sendReply(
  res: ServerResponse,
  reply: OriginReply,
  fault: Fault | undefined,
  onStatus: (status: number) => void,
): void {
  const delayMs = fault?.delayMs ?? 0;
  if (delayMs <= 0) {
    deliver(res, reply, fault, onStatus);
    return;
  }
  const timer = setTimeout(() => deliver(res, reply, fault, onStatus), delayMs);
  res.once('close', () => clearTimeout(timer));
}

function deliver(
  res: ServerResponse,
  reply: OriginReply,
  fault: Fault | undefined,
  onStatus: (status: number) => void,
): void {
  if (res.destroyed) return;
  const { body } = reply;
  const head = (status: number, headers: Record<string, string>, contentLength?: number) => {
    onStatus(status);
    const length = contentLength === undefined ? {} : { 'Content-Length': String(contentLength) };
    res.writeHead(status, { ...headers, ...length });
  };

  if (fault === undefined || isDelayOnly(fault)) {
    head(reply.status, reply.headers, body.length);
    res.end(body);
  } else if ('reset' in fault) {
    onStatus(0);
    res.socket?.resetAndDestroy();
  } else if ('status' in fault || 'body' in fault) {
    const status = fault.status ?? 200;
    const replaced =
      fault.body === undefined ? Buffer.from(`${status} ${STATUS_CODES[status] ?? ''}\n`) : toBuffer(fault.body);
    const contentType = fault.body === undefined ? 'text/plain' : (reply.headers['Content-Type'] ?? 'text/plain');
    head(status, { 'Content-Type': contentType, ...fault.headers }, replaced.length);
    res.end(replaced);
  } else if ('truncate' in fault) {
    head(reply.status, reply.headers, body.length);
    res.flushHeaders();
    res.write(body.subarray(0, Math.min(fault.truncate, body.length - 1)), () => res.destroy());
  } else if ('stallAfter' in fault) {
    head(reply.status, reply.headers, body.length);
    res.flushHeaders();
    res.write(body.subarray(0, Math.min(fault.stallAfter, body.length - 1)));
  } else if ('contentLength' in fault) {
    head(reply.status, reply.headers, fault.contentLength);
    res.flushHeaders();
    res.write(body.subarray(0, Math.min(body.length, fault.contentLength - 1)));
  } else if ('corruptSyncByte' in fault) {
    head(reply.status, reply.headers, body.length);
    res.end(corruptMiddlePacket(body));
  } else {
    head(reply.status, reply.headers);
    res.flushHeaders();
    writeForever(res, body.length > 0 ? body : Buffer.from('\n'));
  }
}

function isDelayOnly(fault: Fault): fault is DelayFault {
  return Object.keys(fault).every((key) => key === 'delayMs');
}

function toBuffer(body: string | Buffer): Buffer {
  return typeof body === 'string' ? Buffer.from(body) : body;
}

function corruptMiddlePacket(body: Buffer): Buffer {
  const corrupted = Buffer.from(body);
  const at = Math.floor(body.length / TS_PACKET / 2) * TS_PACKET;
  if (at < corrupted.length) corrupted[at] = (corrupted[at] ?? 0) ^ 0xff;
  return corrupted;
}

// One chunk per turn of the event loop, and none while the socket buffer is full: memory stays bounded and
// the origin keeps answering other requests.
function writeForever(res: ServerResponse, chunk: Buffer): void {
  if (res.req.method === 'HEAD') {
    res.end();
    return;
  }
  const pump = () => {
    if (res.destroyed) return;
    if (res.write(chunk)) setImmediate(pump);
    else res.once('drain', pump);
  };
  pump();
}

/**
 * Applies a single `Range: bytes=…` request to a 200 reply (206 or 416). Multiple ranges and other units are
 * ignored, as RFC 9110 allows; the full reply then says `Accept-Ranges: bytes`.
 */
export function applyRange(reply: OriginReply, range: string | undefined): OriginReply {
  if (reply.status !== 200) return reply;
  const headers = { ...reply.headers, 'Accept-Ranges': 'bytes' };
  const match = range === undefined ? null : /^bytes=(\d*)-(\d*)$/.exec(range.trim());
  if (match === null || (match[1] === '' && match[2] === '')) return { ...reply, headers };
  const size = reply.body.length;
  const [start, end] =
    match[1] === ''
      ? [Math.max(0, size - Number(match[2])), size - 1]
      : [Number(match[1]), match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1)];
  if (start >= size || start > end) {
    return { status: 416, headers: { ...headers, 'Content-Range': `bytes */${size}` }, body: Buffer.alloc(0) };
  }
  return {
    status: 206,
    headers: { ...headers, 'Content-Range': `bytes ${start}-${end}/${size}` },
    body: reply.body.subarray(start, end + 1),
  };
}

import type { ServerResponse } from 'node:http';
import type { RelayUpdate } from '../../shared/relay-types.js';
import type { Relay } from '../relay/relay.js';

const PING_MS = 15_000;
/** A subscriber this far behind is dropped: the window reconnects and gets a fresh snapshot. */
const MAX_QUEUED_BYTES = 4 * 1024 * 1024;

/** GET /api/events: live RelayUpdates as server-sent events, the first one a full snapshot. */
export function serveEventStream(relay: Relay, response: ServerResponse): void {
  response.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    'x-accel-buffering': 'no',
  });
  const write = (text: string) => {
    if (response.writableLength > MAX_QUEUED_BYTES) response.destroy();
    else response.write(text);
  };
  const unsubscribe = relay.subscribe((update: RelayUpdate) => write(`data: ${JSON.stringify(update)}\n\n`));
  const ping = setInterval(() => write(': ping\n\n'), PING_MS);
  response.once('close', () => {
    clearInterval(ping);
    unsubscribe();
  });
}

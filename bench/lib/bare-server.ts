import type { IncomingMessage, ServerResponse } from 'node:http';
import { listen, type RelayServer } from '../../src-main/core/server/listen.js';

export interface BareServer {
  playlistUrl: string;
  close(): Promise<void>;
}

/**
 * The baseline: plain node:http answering segment GETs from memory with the same bytes and the same
 * server options as the relay (core/server/listen), and a static playlist listing them.
 */
export async function startBareServer(segments: readonly Buffer[], targetDuration: number): Promise<BareServer> {
  const playlist = Buffer.from(
    [
      '#EXTM3U',
      '#EXT-X-VERSION:3',
      `#EXT-X-TARGETDURATION:${targetDuration}`,
      '#EXT-X-MEDIA-SEQUENCE:0',
      ...segments.flatMap((_, index) => [`#EXTINF:${targetDuration},`, `/seg/${index}.ts`]),
      '',
    ].join('\n'),
  );
  const handler = (request: IncomingMessage, response: ServerResponse) => {
    const match = /^\/seg\/(\d+)\.ts$/.exec(request.url ?? '');
    const body = request.url === '/playlist.m3u8' ? playlist : match ? segments[Number(match[1])] : undefined;
    if (body === undefined) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': match ? 'video/mp2t' : 'application/vnd.apple.mpegurl', 'content-length': body.length });
    response.end(body);
  };
  const server: RelayServer = await listen(handler, { host: '127.0.0.1', port: 0 });
  return { playlistUrl: `http://127.0.0.1:${server.port}/playlist.m3u8`, close: () => server.close() };
}

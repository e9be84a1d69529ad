import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

const HLS_JS = fileURLToPath(new URL('../../node_modules/hls.js/dist/hls.min.js', import.meta.url));
const PLAYER_JS = fileURLToPath(new URL('../e2e/players/hlsjs-player.js', import.meta.url));
const PAGE = '<!doctype html><meta charset="utf-8"><title>hls.js</title><link rel="icon" href="data:,"><video muted autoplay playsinline></video><script src="/hls.min.js"></script><script src="/player.js"></script>';

export interface HlsJsPage {
  /** http://127.0.0.1:<port>: open `${origin}/?src=<playlist URL>` to play it with hls.js. */
  origin: string;
  close(): Promise<void>;
}

/**
 * The hls.js test page (test/e2e/players/hlsjs-player.js records into window.playerLog) served from its own
 * port, so every request to the relay is cross-origin as with a real web player.
 */
export async function serveHlsJsPage(): Promise<HlsJsPage> {
  const files: Record<string, string> = { '/': PAGE, '/hls.min.js': await readFile(HLS_JS, 'utf8'), '/player.js': await readFile(PLAYER_JS, 'utf8') };
  const server = createServer((request, response) => {
    const path = request.url?.split('?')[0] ?? '';
    const body = files[path];
    if (body === undefined) response.writeHead(404).end();
    else response.writeHead(200, { 'content-type': path === '/' ? 'text/html' : 'text/javascript' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

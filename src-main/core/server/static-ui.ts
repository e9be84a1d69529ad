import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { sendBody, sendErrorCode } from './respond.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

/** The same policy as the window's meta tag, also as a header (it then covers every response). */
const UI_HEADERS = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: http: https:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};

/** GET /ui/<file>: the built web UI; paths cannot leave `uiDir`. */
export async function serveUi(uiDir: string | undefined, relativePath: string, request: IncomingMessage, response: ServerResponse): Promise<void> {
  if (!uiDir) {
    sendErrorCode(response, 'not-found', 'The web UI is not built: run `npm run build`', UI_HEADERS);
    return;
  }
  const root = resolve(uiDir);
  const file = resolve(join(root, relativePath === '' ? 'index.html' : relativePath));
  if (file !== root && !file.startsWith(root + sep)) {
    sendErrorCode(response, 'not-found', 'No such file', UI_HEADERS);
    return;
  }
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch {
    sendErrorCode(response, 'not-found', 'No such file', UI_HEADERS);
    return;
  }
  const type = TYPES[extname(file)] ?? 'application/octet-stream';
  const cache = extname(file) === '.html' ? 'no-cache' : 'public, max-age=3600';
  sendBody(response, 200, bytes, { ...UI_HEADERS, 'content-type': type, 'cache-control': cache }, request.method === 'HEAD');
}

import type { IncomingMessage, ServerResponse } from 'node:http';
import { RelayError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Relay } from '../relay/relay.js';
import { handleControl } from './control-routes.js';
import { checkHost, checkOrigin, checkToken } from './request-guard.js';
import { STREAM_CORS, sendError } from './respond.js';
import type { ContinuousTsOptions } from './continuous-ts.js';
import { serveUi } from './static-ui.js';
import { clientKey, serveChannelsM3u, serveContinuousTs, servePlaylist, serveResource, serveSegment } from './stream-routes.js';

export interface RelayHandlerOptions {
  /** Bearer token the control API requires. */
  token: string;
  /** Extra Host names accepted on control routes besides loopback names and IP literals. */
  allowedHosts?: string[];
  /** Folder of the built web UI, served at /ui/. */
  uiDir?: string;
  logger?: Logger;
  /** Keep-alive, outage and slow-client limits of the continuous TS output. */
  continuousTs?: ContinuousTsOptions;
  /** Called for every request with its outcome (a request log for tests and --debug). */
  onRequest?: (entry: { method: string; path: string; status: number }) => void;
}

export type RelayRequestHandler = (request: IncomingMessage, response: ServerResponse) => void;

const SEGMENT_FILE = /^(\d{1,15})\.(ts|m4s|aac|mp4)$/;
const RESOURCE_FILE = /^(\d{1,15})\.(mp4|ts|key)$/;

/** The relay's HTTP surface (streams, control API, web UI) as a request handler, without a port. */
export function createRelayHandler(relay: Relay, options: RelayHandlerOptions): RelayRequestHandler {
  if (options.token.length < 8) throw new RelayError('bad-request', 'The control token must be at least 8 characters');
  const allowedHosts = new Set((options.allowedHosts ?? []).map((host) => host.toLowerCase()));

  async function route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const method = request.method ?? 'GET';
    const parts = pathParts(request.url ?? '/');
    const [area] = parts;
    if (area === 'stream' || area === 'channels.m3u') {
      if (method === 'OPTIONS') {
        response.writeHead(204, { ...STREAM_CORS, 'access-control-allow-methods': 'GET, HEAD, OPTIONS', 'access-control-allow-headers': 'range' });
        response.end();
        return;
      }
      if (method !== 'GET' && method !== 'HEAD') throw new RelayError('method-not-allowed', 'Streams are read with GET');
      return streamRoute(parts, request, response);
    }
    if (area === 'api' || area === 'change_stream') {
      checkHost(request, allowedHosts);
      checkOrigin(request);
      checkToken(request, options.token);
      return handleControl(relay, { method, parts, request, response });
    }
    if (method !== 'GET' && method !== 'HEAD') throw new RelayError('method-not-allowed', 'Only GET is allowed here');
    if (parts.length === 0) {
      response.writeHead(302, { location: '/ui/' }).end();
      return;
    }
    if (area === 'ui') return serveUi(options.uiDir, parts.slice(1).join('/'), request, response);
    throw new RelayError('not-found', 'No such route');
  }

  async function streamRoute(parts: string[], request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (parts[0] === 'channels.m3u' && parts.length === 1) return serveChannelsM3u(relay, request, response);
    const [, name, kind, file, ...rest] = parts;
    if (!name || rest.length > 0) throw new RelayError('not-found', 'No such stream route');
    if (kind === undefined) {
      const continuous = name.endsWith('.ts');
      const channel = requireChannel(name.replace(/\.(m3u8|ts)$/, ''));
      if (continuous) return serveContinuousTs(channel, clientKey(request), request, response, options.continuousTs);
      return servePlaylist(channel, request, response);
    }
    const channel = requireChannel(name);
    if (kind === 'segments' && file && SEGMENT_FILE.test(file)) {
      return serveSegment(channel, Number(SEGMENT_FILE.exec(file)![1]), request, response);
    }
    const resource = file ? RESOURCE_FILE.exec(file) : null;
    if (resource && ((kind === 'init' && resource[2] !== 'key') || (kind === 'keys' && resource[2] === 'key'))) {
      return serveResource(channel, Number(resource[1]), kind === 'init' ? 'init' : 'key', request, response);
    }
    throw new RelayError('not-found', 'No such stream route');
  }

  function requireChannel(id: string) {
    const channel = relay.channel(id);
    if (!channel) throw new RelayError('channel-not-found', 'Channel not found');
    if (!channel.config.enabled) throw new RelayError('channel-not-found', `Channel ${id} is disabled`);
    return channel;
  }

  return (request, response) => {
    const started = Date.now();
    if (options.onRequest) {
      response.once('finish', () => options.onRequest!({ method: request.method ?? '', path: request.url ?? '', status: response.statusCode }));
    }
    route(request, response).catch((error: unknown) => {
      const code = (error as RelayError)?.code;
      if (!(error instanceof RelayError)) options.logger?.error(`Request ${request.method} ${request.url} failed: ${(error as Error)?.stack ?? error}`);
      const stream = (request.url ?? '').startsWith('/stream/') || (request.url ?? '').startsWith('/channels.m3u');
      const headers: Record<string, string> = stream ? { ...STREAM_CORS } : {};
      if (code === 'payload-too-large') headers.connection = 'close';
      if (code === 'unauthorized') headers['www-authenticate'] = 'Bearer';
      sendError(response, error, headers);
      options.logger?.debug(`${request.method} ${request.url} -> ${response.statusCode} in ${Date.now() - started} ms`);
    });
  };
}

/** Path segments, percent-decoded; a malformed encoding or a NUL is a bad request. */
function pathParts(url: string): string[] {
  const path = url.split('?')[0] ?? '/';
  try {
    const parts = path.split('/').filter((part) => part !== '').map((part) => decodeURIComponent(part));
    if (parts.some((part) => part.includes('\0') || part.includes('/') || part === '..' || part === '.')) {
      throw new RelayError('not-found', 'No such route');
    }
    return parts;
  } catch (error) {
    if (error instanceof RelayError) throw error;
    throw new RelayError('bad-request', 'Malformed URL encoding');
  }
}

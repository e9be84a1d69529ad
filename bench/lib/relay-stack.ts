import type { ChannelTuning } from '../../src-main/core/channel/channel-tuning.js';
import { createRelay } from '../../src-main/core/relay/create-relay.js';
import type { Relay } from '../../src-main/core/relay/relay.js';
import { createRelayHandler } from '../../src-main/core/server/create-relay-handler.js';
import { listen, type RelayServer } from '../../src-main/core/server/listen.js';
import { createLiveOrigin, type LiveOrigin, type LiveOriginOptions } from '../../src-main/demo/live-origin.js';
import { DEFAULT_SETTINGS, type ChannelConfig, type Lineup, type RelaySettings } from '../../src-main/shared/lineup-types.js';
import type { ChannelSnapshot } from '../../src-main/shared/relay-types.js';
import { httpRequest } from './http-get.js';
import { readMediaPlaylist, type MediaPlaylistView } from './media-playlist.js';

export const BENCH_TOKEN = 'bench-token-0123456789';

export interface RelayServerOptions {
  lineup: Lineup;
  settings?: Partial<RelaySettings>;
  tuning?: Partial<ChannelTuning>;
}

/** The relay as the CLI hosts it: engine, HTTP handler and server on 127.0.0.1:0. */
export interface ServedRelay {
  relay: Relay;
  server: RelayServer;
  baseUrl: string;
  close(): Promise<void>;
}

export async function serveRelay(options: RelayServerOptions): Promise<ServedRelay> {
  const relay = createRelay({
    lineup: options.lineup,
    settings: { ...DEFAULT_SETTINGS, ...options.settings },
    tuning: options.tuning ?? {},
  });
  const server = await listen(createRelayHandler(relay, { token: BENCH_TOKEN }), { host: '127.0.0.1', port: 0 });
  const baseUrl = `http://127.0.0.1:${server.port}`;
  relay.setServerInfo({ baseUrl, playlistUrl: `${baseUrl}/channels.m3u`, version: 'bench' });
  return {
    relay,
    server,
    baseUrl,
    async close() {
      await relay.destroy();
      await server.close();
    },
  };
}

/** A live origin with a relay over it, plus the requests a player and the window make. */
export interface RelayStack extends ServedRelay {
  origin: LiveOrigin;
  /** GET /stream/<id>; throws unless 200. */
  playlist(channelId: string): Promise<MediaPlaylistView>;
  api<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; json: T }>;
  snapshot(channelId: string): Promise<ChannelSnapshot>;
}

export interface RelayStackOptions extends Omit<RelayServerOptions, 'lineup'> {
  origin: LiveOriginOptions;
  channels: (originUrl: string) => ChannelConfig[];
}

export async function startRelayStack(options: RelayStackOptions): Promise<RelayStack> {
  const origin = await createLiveOrigin(options.origin);
  const served = await serveRelay({ ...options, lineup: { channels: options.channels(origin.url), providers: [] } });
  const api = async <T>(method: 'GET' | 'POST', path: string, body?: unknown) => {
    const response = await httpRequest(`${served.baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${BENCH_TOKEN}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, json: JSON.parse(response.body.toString('utf8')) as T };
  };
  return {
    ...served,
    origin,
    api,
    async playlist(channelId) {
      const url = `${served.baseUrl}/stream/${channelId}`;
      const { status, body } = await httpRequest(url);
      if (status !== 200) throw new Error(`playlist of ${channelId}: HTTP ${status} ${body.toString('utf8').slice(0, 200)}`);
      return readMediaPlaylist(body.toString('utf8'), url);
    },
    async snapshot(channelId) {
      const { status, json } = await api<ChannelSnapshot>('GET', `/api/channels/${channelId}`);
      if (status !== 200) throw new Error(`snapshot of ${channelId}: HTTP ${status}`);
      return json;
    },
    async close() {
      await served.close();
      await origin.close();
    },
  };
}

/** A channel whose sources are origin sources, in order: `benchChannel('news', origin.url, ['a', 'b'])`. */
export function benchChannel(id: string, originUrl: string, sourceIds: readonly string[]): ChannelConfig {
  return {
    id,
    name: id,
    enabled: true,
    sources: sourceIds.map((sourceId) => ({ id: sourceId, url: `${originUrl}/${sourceId}/index.m3u8`, label: sourceId })),
  };
}

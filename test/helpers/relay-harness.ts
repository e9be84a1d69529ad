import { DEFAULT_SETTINGS, type ChannelConfig, type ProviderConfig, type RelaySettings } from '../../src-main/shared/lineup-types.js';
import type { ChannelTuning } from '../../src-main/core/channel/channel-tuning.js';
import { createRelay } from '../../src-main/core/relay/create-relay.js';
import type { Relay } from '../../src-main/core/relay/relay.js';
import { createRelayHandler } from '../../src-main/core/server/create-relay-handler.js';
import type { ContinuousTsOptions } from '../../src-main/core/server/continuous-ts.js';
import { listen, type RelayServer } from '../../src-main/core/server/listen.js';
import type { UpstreamLimits } from '../../src-main/core/upstream/upstream-client.js';
import { createLiveOrigin, type LiveOrigin, type LiveOriginOptions } from '../../src-main/demo/live-origin.js';
import { readPlaylist, type ReadPlaylist } from './read-playlist.js';

export const TEST_TOKEN = 'test-token-0123456789';

export interface RelayRequestRecord {
  at: number;
  method: string;
  path: string;
  status: number;
}

export interface Harness {
  origin: LiveOrigin;
  relay: Relay;
  server: RelayServer;
  baseUrl: string;
  /** Every request the relay answered. */
  requests: RelayRequestRecord[];
  playlist(channelId: string): Promise<ReadPlaylist>;
  fetchBytes(path: string): Promise<{ status: number; body: Buffer; headers: Headers }>;
  api(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; json: unknown }>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  origin?: LiveOriginOptions;
  /** Channels; URLs may use `{origin}` for the origin's base URL. */
  channels: ChannelConfig[];
  providers?: ProviderConfig[];
  settings?: Partial<RelaySettings>;
  tuning?: Partial<ChannelTuning>;
  upstream?: Partial<UpstreamLimits>;
  continuousTs?: ContinuousTsOptions;
}

/** A live origin, a relay over it, and its HTTP server on 127.0.0.1:0. */
export async function startHarness(options: HarnessOptions): Promise<Harness> {
  const origin = await createLiveOrigin(options.origin ?? { sources: ['a', 'b', 'c'] });
  const channels = options.channels.map((channel) => ({
    ...channel,
    sources: channel.sources.map((source) => ({ ...source, url: source.url.replace('{origin}', origin.url) })),
  }));
  const relay = createRelay({
    lineup: { channels, providers: options.providers ?? [] },
    settings: { ...DEFAULT_SETTINGS, ...options.settings },
    tuning: options.tuning ?? {},
    upstream: options.upstream ?? {},
  });
  const requests: RelayRequestRecord[] = [];
  const handler = createRelayHandler(relay, {
    token: TEST_TOKEN,
    ...(options.continuousTs ? { continuousTs: options.continuousTs } : {}),
    onRequest: (entry) => requests.push({ at: Date.now(), ...entry }),
  });
  const server = await listen(handler, { host: '127.0.0.1', port: 0 });
  const baseUrl = `http://127.0.0.1:${server.port}`;
  relay.setServerInfo({ baseUrl, playlistUrl: `${baseUrl}/channels.m3u`, version: 'test' });

  const fetchBytes = async (path: string) => {
    const response = await fetch(`${baseUrl}${path}`);
    return { status: response.status, body: Buffer.from(await response.arrayBuffer()), headers: response.headers };
  };
  return {
    origin,
    relay,
    server,
    baseUrl,
    requests,
    fetchBytes,
    async playlist(channelId) {
      const { status, body } = await fetchBytes(`/stream/${channelId}`);
      if (status !== 200) throw new Error(`Playlist of ${channelId}: HTTP ${status} ${body.toString()}`);
      return readPlaylist(body.toString('utf8'));
    },
    async api(method, path, body, headers = {}) {
      const response = await fetch(`${baseUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${TEST_TOKEN}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      let json: unknown = null;
      try {
        json = text === '' ? null : JSON.parse(text);
      } catch {
        json = text;
      }
      return { status: response.status, json };
    },
    async close() {
      await relay.destroy();
      await server.close();
      await origin.close();
    },
  };
}

/** A channel config with sources on the harness origin: `sourceChannel('news', ['a', 'b'])`. */
export function sourceChannel(id: string, sourceIds: string[], extra: Partial<ChannelConfig> = {}): ChannelConfig {
  return {
    id,
    name: id,
    enabled: true,
    sources: sourceIds.map((sourceId) => ({ id: sourceId, url: `{origin}/${sourceId}/index.m3u8`, label: `Source ${sourceId.toUpperCase()}` })),
    ...extra,
  };
}

/** A one-source channel on any origin path: `pathChannel('master', '/master.m3u8')`. */
export function pathChannel(id: string, path: string, extra: Partial<ChannelConfig> = {}): ChannelConfig {
  return { id, name: id, enabled: true, sources: [{ id: 's1', url: `{origin}${path}` }], ...extra };
}

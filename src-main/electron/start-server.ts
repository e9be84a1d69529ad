import { hostname, type NetworkInterfaceInfo } from 'node:os';
import type { Relay } from '../core/relay/relay.js';
import { createRelayHandler, type RelayRequestHandler } from '../core/server/create-relay-handler.js';
import { listen, type ListenOptions, type RelayServer } from '../core/server/listen.js';
import type { RelaySettings } from '../shared/lineup-types.js';
import type { ServerInfo } from '../shared/relay-types.js';
import { choosePort, isPortFree } from './port-choice.js';

export interface StartedServer {
  server: RelayServer;
  info: ServerInfo;
  /** The saved port when it was taken and the server listens elsewhere this session. */
  movedFrom: number | null;
}

/**
 * Serves the relay (streams, control API, web UI from `uiDir`) on the saved port — every interface when
 * LAN is on, loopback otherwise — and tells the relay its URLs.
 */
export async function startRelayServer(
  relay: Relay,
  options: { settings: RelaySettings; token: string; uiDir: string; version: string },
): Promise<StartedServer> {
  const { settings } = options;
  const handler = createRelayHandler(relay, {
    token: options.token,
    uiDir: options.uiDir,
    // Other devices reach the web UI by this machine's name when LAN is on.
    allowedHosts: settings.lan ? [hostname(), `${hostname()}.local`] : [],
  });
  const host = settings.lan ? '0.0.0.0' : '127.0.0.1';
  const { server, movedFrom } = await listenOnSavedPort(handler, { host, port: settings.port }, { listen });
  const info = serverInfoFor(server.port, options.version);
  relay.setServerInfo(info);
  return { server, info, movedFrom };
}

/** The URLs players on this machine use (VLC runs beside the relay, so always loopback). */
export function serverInfoFor(port: number, version: string): ServerInfo {
  const baseUrl = `http://127.0.0.1:${port}`;
  return { baseUrl, playlistUrl: `${baseUrl}/channels.m3u`, version };
}

export interface StartServerDeps {
  listen(handler: RelayRequestHandler, options: ListenOptions): Promise<RelayServer>;
  /** Injectable for tests; the real probes by default. */
  isPortFree?: typeof isPortFree;
  choosePort?: typeof choosePort;
}

/**
 * Listens on the saved port. When something else took it since, the relay still starts — on the next free
 * port, for this session only (the saved port is kept) — and `movedFrom` says so, so the user can be told
 * that this session's URLs differ. Other listen failures are rethrown.
 */
export async function listenOnSavedPort(
  handler: RelayRequestHandler,
  options: ListenOptions,
  deps: StartServerDeps,
): Promise<{ server: RelayServer; movedFrom: number | null }> {
  const probe = deps.isPortFree ?? isPortFree;
  const choose = deps.choosePort ?? choosePort;
  try {
    return { server: await deps.listen(handler, options), movedFrom: null };
  } catch (error) {
    if (await probe(options.port, options.host)) throw error;
    const port = await choose({ startPort: options.port + 1, host: options.host });
    return { server: await deps.listen(handler, { ...options, port }), movedFrom: options.port };
  }
}

/**
 * The link that opens the web UI on another device of the LAN and signs it in (`#token=` stays in the
 * browser: fragments are never sent to the server). Null while LAN is off or without a LAN address.
 */
export function webUiLinkFor(
  options: { lan: boolean; port: number; token: string },
  interfaces: NodeJS.Dict<NetworkInterfaceInfo[]>,
): string | null {
  if (!options.lan) return null;
  const address = Object.values(interfaces)
    .flat()
    .find((entry) => entry !== undefined && entry.family === 'IPv4' && !entry.internal)?.address;
  return address === undefined ? null : `http://${address}:${options.port}/ui/#token=${encodeURIComponent(options.token)}`;
}

import type { Lineup, RelaySettings } from '../../shared/lineup-types.js';
import type { RelayOperations } from '../../shared/relay-client.js';
import type { ServerInfo } from '../../shared/relay-types.js';
import type { Channel } from '../channel/channel.js';
import type { UpstreamStats } from '../upstream/upstream-client.js';

/**
 * The engine as the shells see it: every RelayOperations method (the window's client interface), plus what
 * a host needs to serve streams, persist the lineup and shut down.
 */
export interface Relay extends RelayOperations {
  /** The channel behind /stream/<id>, for the HTTP server. */
  channel(id: string): Channel | undefined;
  /** The lineup as it should be saved (after imports, edits and switches). */
  lineup(): Lineup;
  serverInfo(): ServerInfo;
  /** Called by the host once the server listens, so snapshots and M3U links carry the right base URL. */
  setServerInfo(info: ServerInfo): void;
  /** The lineup changed (edit, import, switch pin): the host saves it. Returns an unsubscribe function. */
  onLineupChange(listener: (lineup: Lineup) => void): () => void;
  /** Settings changed through the API: the host saves them (port/LAN take effect on restart). */
  onSettingsChange(listener: (settings: RelaySettings) => void): () => void;
  /** Upstream connection figures (for tests and benchmarks). */
  upstreamStats(): UpstreamStats;
  /** Stops every channel, aborts upstream requests, clears timers. */
  destroy(): Promise<void>;
}

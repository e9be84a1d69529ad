/** The saved lineup: what a user configures. Plain JSON, shared by the CLI config file and the desktop store. */

/** Which variant of a master playlist to follow. Absent fields mean "no limit"; the highest BANDWIDTH wins. */
export interface VariantPreference {
  maxBandwidth?: number;
  maxHeight?: number;
  /**
   * Among a variant's separate audio renditions, the one in this language (a tag such as "de" or "pt-BR";
   * "de" also takes "de-AT"). Without it, or when none matches: the DEFAULT=YES rendition.
   */
  audioLanguage?: string;
}

export interface SourceConfig {
  /** Stable, URL-safe id within its channel. */
  id: string;
  url: string;
  label?: string;
  userAgent?: string;
  /** Extra request headers (Referer, Cookie …) sent with every request of this source. */
  headers?: Record<string, string>;
  /** Provider name shared by sources that count against one connection limit. */
  provider?: string;
  variant?: VariantPreference;
}

export interface ChannelConfig {
  /** Stable, URL-safe slug: the `<id>` in /stream/<id>. */
  id: string;
  name: string;
  group?: string;
  logo?: string;
  tvgId?: string;
  enabled: boolean;
  sources: SourceConfig[];
  /** The source to play; the first source when absent or unknown. */
  activeSourceId?: string;
  /** A manual switch pins the source: automatic failback leaves it alone until unpinned. */
  pinned?: boolean;
  variant?: VariantPreference;
}

export interface ProviderConfig {
  id: string;
  /** Concurrent upstream connections the provider allows (for all of its sources together). */
  maxConnections: number;
}

export interface Lineup {
  channels: ChannelConfig[];
  providers: ProviderConfig[];
}

/** Relay-wide settings a user can change. */
export interface RelaySettings {
  port: number;
  /** false: listen on 127.0.0.1 only; true: listen on every interface (LAN). */
  lan: boolean;
  userAgent: string;
  /** Segments kept per channel (ring size). */
  bufferSegments: number;
  /** Segments listed in each output playlist. */
  windowSegments: number;
  /** Segments taken from the upstream's live edge when a channel starts. */
  liveEdgeSegments: number;
  /** Seconds without any client before a channel stops fetching. */
  idleTimeoutSec: number;
  notifications: boolean;
  startAtLogin: boolean;
}

export const DEFAULT_USER_AGENT = 'VLC/3.0.20 LibVLC/3.0.20';

export const DEFAULT_SETTINGS: RelaySettings = {
  port: 5000,
  lan: false,
  userAgent: DEFAULT_USER_AGENT,
  bufferSegments: 16,
  windowSegments: 12,
  liveEdgeSegments: 3,
  idleTimeoutSec: 60,
  notifications: true,
  startAtLogin: false,
};

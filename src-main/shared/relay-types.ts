import type { ErrorCode, ErrorInfo } from './error-codes.js';
import type { SourceConfig } from './lineup-types.js';

/** What a channel is doing. `failing`: every source failed and the relay is retrying them in turn. */
export type ChannelState =
  | 'idle'
  | 'starting'
  | 'playing'
  | 'switching'
  | 'retrying'
  | 'stalled'
  | 'failing'
  | 'stopped';

export const CHANNEL_STATES: readonly ChannelState[] = [
  'idle',
  'starting',
  'playing',
  'switching',
  'retrying',
  'stalled',
  'failing',
  'stopped',
];

export type SwitchReason = 'manual' | 'failover' | 'failback';

export interface LastError extends ErrorInfo {
  /** Epoch milliseconds. */
  at: number;
  sourceId: string | null;
}

/** One point of the health sparkline, taken when a segment is stored. */
export interface HealthSample {
  at: number;
  bufferedSeconds: number;
  bitrateBps: number;
  /** Download time divided by segment duration: above 1 the source cannot keep up. */
  downloadRatio: number;
}

export interface ChannelHealth {
  /** Segments listed in the output playlist: what players can fetch now. */
  bufferedSegments: number;
  /** Seconds listed in the output playlist. */
  bufferedSeconds: number;
  /** Seconds the playlist lists once its window is full (the gauge's maximum). */
  windowSeconds: number;
  targetDuration: number;
  lastDownloadMs: number | null;
  lastSegmentDuration: number | null;
  /** lastDownloadMs / (lastSegmentDuration × 1000). */
  downloadRatio: number | null;
  bitrateBps: number | null;
  errorCount: number;
  lastError: LastError | null;
  clients: number;
  bytesServed: number;
  segmentsStored: number;
  mediaSequence: number;
  discontinuitySequence: number;
  /** Epoch milliseconds of the newest stored segment. */
  lastSegmentAt: number | null;
  /** The last few minutes, oldest first. */
  history: HealthSample[];
}

export interface SwitchInfo {
  from: string | null;
  to: string;
  reason: SwitchReason;
  /** Epoch milliseconds of the splice. */
  at: number;
  /** From the switch request to the new source's first segment being listed. */
  latencyMs: number;
}

export type SourceView = SourceConfig & { label: string };

export interface ChannelSnapshot {
  id: string;
  name: string;
  group: string | null;
  logo: string | null;
  enabled: boolean;
  state: ChannelState;
  /** Why the channel is in its state, in words (stalled: no new segment for 6 s, …). */
  stateReason: string | null;
  activeSourceId: string | null;
  pinned: boolean;
  sources: SourceView[];
  health: ChannelHealth;
  lastSwitch: SwitchInfo | null;
  /** Relative URL of the channel's HLS playlist (/stream/<id>). */
  streamPath: string;
}

export type TimelineKind =
  | 'start'
  | 'stop'
  | 'switch'
  | 'switch-failed'
  | 'failover'
  | 'failback'
  | 'error'
  | 'backoff'
  | 'stall'
  | 'recovered'
  | 'segment-invalid'
  | 'source-ended'
  | 'client-join'
  | 'client-leave';

export interface TimelineEvent {
  at: number;
  kind: TimelineKind;
  message: string;
  sourceId?: string;
  code?: ErrorCode;
}

/** Live updates pushed to the window (server-sent events or IPC). */
export type RelayUpdate =
  | { type: 'channels'; channels: ChannelSnapshot[] }
  | { type: 'channel'; channel: ChannelSnapshot }
  | { type: 'channel-removed'; id: string }
  | { type: 'timeline'; channelId: string; event: TimelineEvent };

export interface ServerInfo {
  /** Where players reach the relay, e.g. http://127.0.0.1:5000 */
  baseUrl: string;
  /** The M3U of every enabled channel, for VLC. */
  playlistUrl: string;
  version: string;
}

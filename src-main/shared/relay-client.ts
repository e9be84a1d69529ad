import type { ImportReport, ImportRequest } from './import-types.js';
import type { ChannelConfig, RelaySettings, SourceConfig, VariantPreference } from './lineup-types.js';
import type { ChannelSnapshot, RelayUpdate, ServerInfo, SwitchInfo, TimelineEvent } from './relay-types.js';

/** Which source to switch to: by id, by URL (added to the channel if new), or the next/previous one. */
export type SwitchTarget = { sourceId: string } | { url: string } | { direction: 'next' | 'previous' };

export interface SwitchRequest {
  target: SwitchTarget;
  /** Pin the chosen source so automatic failback leaves it alone (default true for manual switches). */
  pin?: boolean;
}

export type SwitchOutcome =
  | { ok: true; switch: SwitchInfo | null; channel: ChannelSnapshot }
  | { ok: false; code: string; message: string; channel: ChannelSnapshot };

/** A new channel; id is derived from the name when absent. Sources get ids when absent. */
export interface ChannelInput {
  id?: string;
  name: string;
  group?: string;
  logo?: string;
  enabled?: boolean;
  sources: SourceInput[];
  /** For every source without its own: variant limits and audio language. */
  variant?: VariantPreference;
}

export type SourceInput = Omit<SourceConfig, 'id'> & { id?: string };

/** Fields to change on a channel; `sources` replaces the whole ordered list (add, remove, reorder). */
export interface ChannelPatch {
  name?: string;
  group?: string | null;
  logo?: string | null;
  enabled?: boolean;
  pinned?: boolean;
  sources?: SourceInput[];
  /** Replaces the channel's variant preference (null clears it); used from the next source the channel starts. */
  variant?: VariantPreference | null;
}

export interface Overview {
  server: ServerInfo;
  channels: ChannelSnapshot[];
}

/** What the desktop shell can do that a browser cannot. */
export interface ShellCapabilities {
  openInVlc: boolean;
}

/**
 * The one interface the window uses to talk to the relay: implemented over the preload bridge in Electron
 * and over the control API in a browser. Every method rejects with an Error whose `code` is an ErrorCode.
 */
export interface RelayClient {
  readonly capabilities: ShellCapabilities;
  overview(): Promise<Overview>;
  /** Live updates until the returned function is called. */
  subscribe(listener: (update: RelayUpdate) => void): () => void;
  timeline(channelId: string): Promise<TimelineEvent[]>;
  switchSource(channelId: string, request: SwitchRequest): Promise<SwitchOutcome>;
  addChannel(input: ChannelInput): Promise<ChannelSnapshot>;
  updateChannel(channelId: string, patch: ChannelPatch): Promise<ChannelSnapshot>;
  removeChannel(channelId: string): Promise<void>;
  /** Moves a channel to a position in the lineup (0-based). */
  moveChannel(channelId: string, toIndex: number): Promise<void>;
  importM3u(request: ImportRequest): Promise<ImportReport>;
  settings(): Promise<RelaySettings>;
  updateSettings(patch: Partial<RelaySettings>): Promise<RelaySettings>;
  /** Desktop only (capabilities.openInVlc). */
  openInVlc(url: string): Promise<void>;
}

export type { ChannelConfig };

/** What the engine offers every shell: the client interface without the desktop-only parts. */
export type RelayOperations = Omit<RelayClient, 'capabilities' | 'openInVlc'>;

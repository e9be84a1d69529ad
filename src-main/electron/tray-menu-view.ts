import type { ChannelSnapshot, ChannelState, ServerInfo } from '../shared/relay-types.js';

/** How a channel's state shows in the tray menu; states that look alike there share one status. */
export type TrayChannelStatus = 'playing' | 'retrying' | 'stalled' | 'failing' | 'quiet';

export interface TraySourceView {
  id: string;
  label: string;
}

export interface TrayChannelView {
  id: string;
  name: string;
  group: string | null;
  enabled: boolean;
  status: TrayChannelStatus;
  activeSourceId: string | null;
  sources: TraySourceView[];
  /** Absolute URL for VLC; null until the server listens. */
  streamUrl: string | null;
}

/**
 * Exactly what the tray menu shows, nothing more: two views that compare equal build the same menu, so
 * health ticks (buffer, bitrate, clients) never rebuild it.
 */
export interface TrayMenuView {
  channels: TrayChannelView[];
  playlistUrl: string | null;
  /** The web UI for other devices, token included; null while LAN is off. */
  webUiLink: string | null;
  startAtLogin: boolean;
}

export interface TrayMenuContext {
  server: ServerInfo | null;
  webUiLink: string | null;
  startAtLogin: boolean;
}

const STATUS_OF: Record<ChannelState, TrayChannelStatus> = {
  idle: 'quiet',
  starting: 'quiet',
  stopped: 'quiet',
  playing: 'playing',
  switching: 'playing',
  retrying: 'retrying',
  stalled: 'stalled',
  failing: 'failing',
};

export function deriveTrayMenuView(channels: readonly ChannelSnapshot[], context: TrayMenuContext): TrayMenuView {
  const { server } = context;
  return {
    channels: channels.map((channel) => ({
      id: channel.id,
      name: channel.name,
      group: channel.group,
      enabled: channel.enabled,
      status: STATUS_OF[channel.state],
      activeSourceId: channel.activeSourceId,
      sources: channel.sources.map((source) => ({ id: source.id, label: source.label })),
      streamUrl: server ? new URL(channel.streamPath, server.baseUrl).href : null,
    })),
    playlistUrl: server?.playlistUrl ?? null,
    webUiLink: context.webUiLink,
    startAtLogin: context.startAtLogin,
  };
}

export function sameTrayMenuView(a: TrayMenuView, b: TrayMenuView): boolean {
  return (
    a.playlistUrl === b.playlistUrl &&
    a.webUiLink === b.webUiLink &&
    a.startAtLogin === b.startAtLogin &&
    a.channels.length === b.channels.length &&
    a.channels.every((channel, index) => sameChannelView(channel, b.channels[index]))
  );
}

function sameChannelView(a: TrayChannelView, b: TrayChannelView | undefined): boolean {
  return (
    b !== undefined &&
    a.id === b.id &&
    a.name === b.name &&
    a.group === b.group &&
    a.enabled === b.enabled &&
    a.status === b.status &&
    a.activeSourceId === b.activeSourceId &&
    a.streamUrl === b.streamUrl &&
    a.sources.length === b.sources.length &&
    a.sources.every((source, index) => source.id === b.sources[index]?.id && source.label === b.sources[index]?.label)
  );
}

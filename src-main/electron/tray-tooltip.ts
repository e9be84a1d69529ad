import type { ChannelSnapshot, ServerInfo } from '../shared/relay-types.js';

export interface HealthSummary {
  channels: number;
  playing: number;
  clients: number;
  /** Names of enabled channels whose every source failed. */
  failing: string[];
  /** Names of enabled channels that stopped receiving segments or are retrying. */
  troubled: string[];
}

export function summarizeHealth(channels: readonly ChannelSnapshot[]): HealthSummary {
  const enabled = channels.filter((channel) => channel.enabled);
  return {
    channels: channels.length,
    playing: enabled.filter((channel) => channel.state === 'playing' || channel.state === 'switching').length,
    clients: enabled.reduce((sum, channel) => sum + channel.health.clients, 0),
    failing: enabled.filter((channel) => channel.state === 'failing').map((channel) => channel.name),
    troubled: enabled
      .filter((channel) => channel.state === 'stalled' || channel.state === 'retrying')
      .map((channel) => channel.name),
  };
}

/** Windows cuts tray tooltips at 127 UTF-16 code units. */
export const MAX_TOOLTIP_LENGTH = 127;

/** One line for the tray icon's tooltip: what plays, who watches, what is broken. */
export function trayTooltip(channels: readonly ChannelSnapshot[], server: ServerInfo | null): string {
  if (server === null) return 'HLS Relay — starting…';
  const summary = summarizeHealth(channels);
  if (summary.channels === 0) return 'HLS Relay — no channels yet';
  const parts = [
    `${summary.playing} of ${summary.channels} ${summary.channels === 1 ? 'channel' : 'channels'} playing`,
    `${summary.clients} ${summary.clients === 1 ? 'client' : 'clients'}`,
  ];
  if (summary.failing.length > 0) parts.push(`failing: ${summary.failing.join(', ')}`);
  if (summary.troubled.length > 0) parts.push(`stalled: ${summary.troubled.join(', ')}`);
  return truncate(`HLS Relay — ${parts.join(' · ')}`, MAX_TOOLTIP_LENGTH);
}

function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let kept = '';
  // By code point, so an emoji in a channel name is never cut in half.
  for (const character of text) {
    if (kept.length + character.length > max - 1) break;
    kept += character;
  }
  return `${kept}…`;
}

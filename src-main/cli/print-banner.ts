import type { ChannelConfig } from '../shared/lineup-types.js';

export interface BannerInput {
  baseUrl: string;
  token: string;
  tokenGenerated: boolean;
  channels: readonly ChannelConfig[];
  demo: boolean;
  lan: boolean;
}

/** What a newcomer needs on start: where to point VLC, how to switch, where the web UI is. */
export function formatBanner(input: BannerInput): string {
  const { baseUrl, token } = input;
  const lines = [`HLS Relay listening on ${baseUrl}${input.lan ? ' (LAN: reachable from other devices)' : ''}`, ''];
  const enabled = input.channels.filter((channel) => channel.enabled);
  for (const channel of enabled.slice(0, 10)) lines.push(`  ${channel.name}: vlc ${baseUrl}/stream/${channel.id}`);
  if (enabled.length > 10) lines.push(`  … and ${enabled.length - 10} more`);
  if (enabled.length === 0) lines.push('  No channels yet: add some in the web UI or with --url / --playlist / --config.');
  lines.push('', `All channels for VLC:  ${baseUrl}/channels.m3u`, `Web UI:                ${baseUrl}/ui/#token=${token}`);
  lines.push(`Control token:         ${token}${input.tokenGenerated ? ' (generated; pass --token to keep one)' : ''}`);
  const first = enabled[0];
  if (first) {
    lines.push(
      '',
      'Switch the source while VLC keeps playing:',
      `  curl -X POST -H 'Authorization: Bearer ${token}' -H 'Content-Type: application/json' \\`,
      `       -d '{"direction":"next"}' ${baseUrl}/api/channels/${first.id}/switch`,
    );
  }
  if (input.demo) lines.push('', 'Demo: three test patterns (A, B, C) loop as one channel; each switch shows another pattern.');
  lines.push('', 'Ctrl-C stops.');
  return lines.join('\n');
}

export function printBanner(input: BannerInput): void {
  console.log(formatBanner(input));
}

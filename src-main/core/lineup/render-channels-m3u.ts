import type { ChannelConfig } from '../../shared/lineup-types.js';
import { cleanText } from './field-rules.js';

/**
 * The M3U behind GET /channels.m3u: every enabled channel, in lineup order, pointing at the relay's
 * `${baseUrl}/stream/<id>`. M3U has no escaping, so a value never carries a line break (it would end the
 * entry) and an attribute never carries a double quote (it would end the attribute): text attributes
 * get `'` instead, logo URLs `%22`, which is the same URL.
 */
export function renderChannelsM3u(channels: readonly ChannelConfig[], baseUrl: string): string {
  const base = baseUrl.replace(/\/+$/, '');
  const lines = ['#EXTM3U'];
  for (const channel of channels) {
    if (!channel.enabled) continue;
    const attributes: string[] = [];
    if (channel.tvgId !== undefined) attributes.push(`tvg-id="${attributeText(channel.tvgId)}"`);
    attributes.push(`tvg-name="${attributeText(channel.name)}"`);
    if (channel.logo !== undefined) attributes.push(`tvg-logo="${attributeUrl(channel.logo)}"`);
    if (channel.group !== undefined) attributes.push(`group-title="${attributeText(channel.group)}"`);
    lines.push(`#EXTINF:-1 ${attributes.join(' ')},${cleanText(channel.name)}`);
    lines.push(`${base}/stream/${encodeURIComponent(channel.id)}`);
  }
  return `${lines.join('\n')}\n`;
}

function attributeText(text: string): string {
  return cleanText(text).replaceAll('"', "'");
}

function attributeUrl(url: string): string {
  return cleanText(url).replaceAll('"', '%22');
}

import type { ChannelSnapshot, RelayUpdate } from '../shared/relay-types.js';

/**
 * The channel list after `update`, in lineup order (a snapshot of an unknown channel is appended); the same
 * array when the update changes no channel.
 */
export function applyRelayUpdate(channels: readonly ChannelSnapshot[], update: RelayUpdate): readonly ChannelSnapshot[] {
  switch (update.type) {
    case 'channels':
      return [...update.channels];
    case 'channel': {
      const index = channels.findIndex((channel) => channel.id === update.channel.id);
      if (index === -1) return [...channels, update.channel];
      return channels.map((channel, position) => (position === index ? update.channel : channel));
    }
    case 'channel-removed':
      return channels.filter((channel) => channel.id !== update.id);
    case 'timeline':
      return channels;
  }
}

import type { ChannelConfig, Lineup } from '../../shared/lineup-types.js';
import type { ChannelInput, ChannelPatch } from '../../shared/relay-client.js';
import { RelayError } from '../errors.js';
import { buildSources } from './build-sources.js';
import { parseChannelInput, parseChannelPatch } from './parse-channel-input.js';
import { fail } from './read-fields.js';
import { slugify, uniqueSlug } from './slug.js';

/*
 * Lineup edits as pure functions: each validates its input as untrusted (it may come straight from HTTP
 * or IPC), returns a new Lineup and leaves the given one untouched (unchanged channels are shared).
 * Errors are RelayError: 'channel-not-found', 'channel-exists', 'source-not-found', 'invalid-url',
 * 'bad-request'.
 */

/**
 * Appends a channel. Its id is the given one ('channel-exists' when taken) or a unique slug of the name.
 * A channel may have no sources yet: it is saved and listed, and cannot play until one is added.
 */
export function addChannel(lineup: Lineup, input: ChannelInput): Lineup {
  const checked = parseChannelInput(input);
  const taken = new Set(lineup.channels.map((channel) => channel.id));
  if (checked.id !== undefined && taken.has(checked.id)) {
    throw new RelayError('channel-exists', `A channel with the id "${checked.id}" already exists.`);
  }
  const channel: ChannelConfig = {
    id: checked.id ?? uniqueSlug(slugify(checked.name), taken),
    name: checked.name,
    ...(checked.group !== undefined && { group: checked.group }),
    ...(checked.logo !== undefined && { logo: checked.logo }),
    enabled: checked.enabled ?? true,
    sources: buildSources(checked.sources),
    ...(checked.variant !== undefined && { variant: checked.variant }),
  };
  return { ...lineup, channels: [...lineup.channels, channel] };
}

/**
 * Applies a patch. `sources` replaces the list: sources given with an id keep it, new ones get fresh ids.
 * When the active source is gone, the first source becomes active and the pin is dropped (unless the
 * patch sets `pinned` itself): the user pinned a source that no longer exists.
 */
export function updateChannel(lineup: Lineup, channelId: string, patch: ChannelPatch): Lineup {
  const { index, channel } = findChannel(lineup, channelId);
  const checked = parseChannelPatch(patch);
  const next: ChannelConfig = { ...channel };
  if (checked.name !== undefined) next.name = checked.name;
  if (checked.group === null) delete next.group;
  else if (checked.group !== undefined) next.group = checked.group;
  if (checked.logo === null) delete next.logo;
  else if (checked.logo !== undefined) next.logo = checked.logo;
  if (checked.enabled !== undefined) next.enabled = checked.enabled;
  if (checked.pinned !== undefined) next.pinned = checked.pinned;
  if (checked.variant === null) delete next.variant;
  else if (checked.variant !== undefined) next.variant = checked.variant;
  if (checked.sources !== undefined) {
    next.sources = buildSources(
      checked.sources,
      channel.sources.map((source) => source.id),
    );
    const active = channel.activeSourceId;
    if (active !== undefined && !next.sources.some((source) => source.id === active)) {
      const first = next.sources[0];
      if (first === undefined) delete next.activeSourceId;
      else next.activeSourceId = first.id;
      if (checked.pinned === undefined && next.pinned === true) next.pinned = false;
    }
  }
  return replaceChannel(lineup, index, next);
}

export function removeChannel(lineup: Lineup, channelId: string): Lineup {
  const { index } = findChannel(lineup, channelId);
  return { ...lineup, channels: lineup.channels.filter((_, i) => i !== index) };
}

/** Moves a channel to a 0-based position; positions past either end are clamped. */
export function moveChannel(lineup: Lineup, channelId: string, toIndex: number): Lineup {
  const { index, channel } = findChannel(lineup, channelId);
  if (typeof toIndex !== 'number' || !Number.isInteger(toIndex)) fail('toIndex', 'must be a whole number');
  const target = Math.min(Math.max(toIndex, 0), lineup.channels.length - 1);
  const channels = lineup.channels.filter((_, i) => i !== index);
  channels.splice(target, 0, channel);
  return { ...lineup, channels };
}

/** Makes a source the active one; `pinned` keeps automatic failback away from it. */
export function setActiveSource(lineup: Lineup, channelId: string, sourceId: string, pinned: boolean): Lineup {
  const { index, channel } = findChannel(lineup, channelId);
  if (typeof pinned !== 'boolean') fail('pinned', 'must be true or false');
  if (!channel.sources.some((source) => source.id === sourceId)) {
    const message = `Channel "${channel.name}" has no source with the id "${String(sourceId)}".`;
    throw new RelayError('source-not-found', message);
  }
  return replaceChannel(lineup, index, { ...channel, activeSourceId: sourceId, pinned });
}

/** The channel and its position; 'channel-not-found' when no channel has that id. */
export function findChannel(lineup: Lineup, channelId: string): { index: number; channel: ChannelConfig } {
  const index = lineup.channels.findIndex((channel) => channel.id === channelId);
  const channel = lineup.channels[index];
  if (channel === undefined) {
    throw new RelayError('channel-not-found', `There is no channel with the id "${String(channelId)}".`);
  }
  return { index, channel };
}

function replaceChannel(lineup: Lineup, index: number, channel: ChannelConfig): Lineup {
  return { ...lineup, channels: lineup.channels.map((existing, i) => (i === index ? channel : existing)) };
}

import type { ChannelSnapshot } from '../../src-main/shared/relay-types.js';

export interface ChannelFilter {
  /** Part of the name, any case, accents ignored. */
  text: string;
  /** null: every group; '': channels without a group; else that group. */
  group: string | null;
}

/** Lower case without accents, so "Télé" matches "tele". */
export function foldText(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}

/** The channels that match, in lineup order; the same array when nothing filters. */
export function filterChannels(
  channels: readonly ChannelSnapshot[],
  filter: ChannelFilter,
): readonly ChannelSnapshot[] {
  const needle = foldText(filter.text.trim());
  if (needle === '' && filter.group === null) return channels;
  return channels.filter(
    (channel) =>
      (filter.group === null || (channel.group ?? '') === filter.group) &&
      (needle === '' || foldText(channel.name).includes(needle)),
  );
}

/** The distinct groups in alphabetical order ('' stands for "no group" and comes last). */
export function listGroups(channels: readonly ChannelSnapshot[]): string[] {
  const groups = new Set(channels.map((channel) => channel.group ?? ''));
  const named = [...groups].filter((group) => group !== '').sort((a, b) => a.localeCompare(b));
  return groups.has('') ? [...named, ''] : named;
}

import type { ChannelSnapshot, RelayUpdate, TimelineEvent } from '../../src-main/shared/relay-types.js';

/** Events kept per channel for the detail timeline. */
export const TIMELINE_LIMIT = 200;

/**
 * The channel list after a batch of live updates, in order. Copies at most once per batch, and returns
 * the same array when nothing changed, so unchanged rows are not redrawn.
 *
 * The relay announces new channels with a whole 'channels' list; a single 'channel' update only refreshes
 * a channel the list has. One for an unknown id is a late snapshot of a removed channel (the relay sends
 * its final "stopped" state after the removal) and must not bring it back.
 */
export function applyChannelUpdates(
  channels: readonly ChannelSnapshot[],
  updates: readonly RelayUpdate[],
): readonly ChannelSnapshot[] {
  let next: ChannelSnapshot[] | null = null;
  let index: Map<string, number> | null = null;
  for (const update of updates) {
    if (update.type === 'timeline') continue;
    if (update.type === 'channels') {
      next = [...update.channels];
      index = null;
      continue;
    }
    index ??= new Map((next ?? channels).map((channel, position) => [channel.id, position]));
    const position = index.get(update.type === 'channel' ? update.channel.id : update.id);
    if (position === undefined) continue;
    next ??= [...channels];
    if (update.type === 'channel') {
      next[position] = update.channel;
    } else {
      next.splice(position, 1);
      index = null;
    }
  }
  return next ?? channels;
}

/** The list with `channel` in it: replaced where it is, else added at the end (an answer to adding it). */
export function upsertChannel(channels: readonly ChannelSnapshot[], channel: ChannelSnapshot): readonly ChannelSnapshot[] {
  const position = channels.findIndex((candidate) => candidate.id === channel.id);
  if (position === -1) return [...channels, channel];
  return channels.with(position, channel);
}

/** Same moment, kind and words: the same event (a live update may repeat one a fetch returned). */
function eventKey(event: TimelineEvent): string {
  return `${event.at}|${event.kind}|${event.sourceId ?? ''}|${event.message}`;
}

/** Both lists of events merged, oldest first, without duplicates, the newest `limit` kept. */
export function mergeTimeline(
  current: readonly TimelineEvent[],
  incoming: readonly TimelineEvent[],
  limit = TIMELINE_LIMIT,
): TimelineEvent[] {
  const seen = new Set<string>();
  const merged: TimelineEvent[] = [];
  for (const event of [...current, ...incoming]) {
    const key = eventKey(event);
    if (seen.has(key)) continue;
    seen.add(key);
    merged.push(event);
  }
  merged.sort((a, b) => a.at - b.at);
  return merged.slice(-limit);
}

/** Timelines after a batch of live updates; untouched channels keep their arrays. */
export function applyTimelineUpdates(
  timelines: Readonly<Record<string, readonly TimelineEvent[]>>,
  updates: readonly RelayUpdate[],
): Readonly<Record<string, readonly TimelineEvent[]>> {
  const incoming: Record<string, TimelineEvent[]> = {};
  for (const update of updates) {
    if (update.type === 'timeline') (incoming[update.channelId] ??= []).push(update.event);
  }
  const ids = Object.keys(incoming);
  if (ids.length === 0) return timelines;
  const next = { ...timelines };
  for (const id of ids) next[id] = mergeTimeline(next[id] ?? [], incoming[id] ?? []);
  return next;
}

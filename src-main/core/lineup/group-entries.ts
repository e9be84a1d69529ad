import type { GroupBy, SkippedLine } from '../../shared/import-types.js';
import type { ChannelConfig, SourceConfig } from '../../shared/lineup-types.js';
import { LIMITS, urlHost } from './field-rules.js';
import type { M3uEntry } from './parse-m3u.js';
import { nextSourceId, slugify, uniqueSlug } from './slug.js';

/** Entries that become one channel, in file order. */
export interface EntryGroup {
  key: string;
  entries: [M3uEntry, ...M3uEntry[]];
}

/** What an import takes from a group for the channel itself. */
export type GroupDescription = Pick<ChannelConfig, 'name' | 'group' | 'logo' | 'tvgId'>;

export interface AppendedSources {
  channel: ChannelConfig;
  added: number;
  /** Entries left out because the channel already had LIMITS.sourcesMax sources. */
  overflow: SkippedLine[];
}

export interface GroupOptions {
  groupBy?: GroupBy;
  /** Channel ids already in use (the lineup an import merges into); new ids avoid them. */
  takenIds?: ReadonlySet<string>;
}

/**
 * What makes two entries (or an entry and a saved channel) the same channel. 'tvg-id': the tvg-id, or the
 * name when there is none; 'name': the name. Trimmed and case-insensitive. A tvg-id key never equals a
 * name key, so an entry with a tvg-id and one without are different channels even with the same name.
 */
export function channelKey(channel: { name: string; tvgId?: string }, groupBy: GroupBy): string {
  const tvgId = channel.tvgId?.trim();
  if (groupBy === 'tvg-id' && tvgId) return `tvg:${tvgId.toLowerCase()}`;
  return `name:${channel.name.trim().toLowerCase()}`;
}

/** Entries grouped by channelKey; groups in order of first appearance, entries in file order. */
export function collectGroups(entries: readonly M3uEntry[], groupBy: GroupBy): EntryGroup[] {
  const groups = new Map<string, EntryGroup>();
  for (const entry of entries) {
    const key = channelKey(entry, groupBy);
    const group = groups.get(key);
    if (group) group.entries.push(entry);
    else groups.set(key, { key, entries: [entry] });
  }
  return [...groups.values()];
}

/**
 * Provider entries → channels with several sources each. Ids are slugs of the names, made unique in
 * order (`news`, `news-2`), so the same file always yields the same ids. Sources past the per-channel
 * cap are left out (applyImport reports them).
 */
export function groupEntries(entries: readonly M3uEntry[], options: GroupOptions = {}): ChannelConfig[] {
  const taken = new Set(options.takenIds);
  return collectGroups(entries, options.groupBy ?? 'tvg-id').map((group) => channelFromGroup(group, taken).channel);
}

/** Name and tvg-id of the first entry; group and logo of the first entry that has one. */
export function describeGroup(group: EntryGroup): GroupDescription {
  const [first] = group.entries;
  const described: GroupDescription = { name: first.name };
  const groupTitle = group.entries.find((entry) => entry.group !== undefined)?.group;
  if (groupTitle !== undefined) described.group = groupTitle;
  const logo = group.entries.find((entry) => entry.logo !== undefined)?.logo;
  if (logo !== undefined) described.logo = logo;
  if (first.tvgId !== undefined) described.tvgId = first.tvgId;
  return described;
}

/** A new channel from a group; its id is reserved in `takenIds`. */
export function channelFromGroup(group: EntryGroup, takenIds: Set<string>): AppendedSources {
  const described = describeGroup(group);
  const channel: ChannelConfig = {
    id: uniqueSlug(slugify(described.name, slugify(described.tvgId ?? '')), takenIds),
    ...described,
    enabled: true,
    sources: [],
  };
  return appendSources(channel, group.entries);
}

/**
 * The channel with a source appended for every entry whose URL it does not have yet. New sources get
 * the next free `s<n>` id and as label the entry's name when it differs from the channel's, else the
 * provider's host (`host (2)` when already used).
 * A channel never gets more than LIMITS.sourcesMax sources, the most an edit accepts: more would make
 * the saved channel impossible to edit.
 */
export function appendSources(channel: ChannelConfig, entries: readonly M3uEntry[]): AppendedSources {
  const urls = new Set(channel.sources.map((source) => source.url));
  const ids = new Set(channel.sources.map((source) => source.id));
  const labels = new Set(channel.sources.flatMap((source) => (source.label === undefined ? [] : [source.label])));
  const sources = [...channel.sources];
  const overflow: SkippedLine[] = [];
  for (const entry of entries) {
    if (urls.has(entry.url)) continue;
    if (sources.length >= LIMITS.sourcesMax) {
      overflow.push({ line: entry.line, reason: `"${channel.name}" already has ${LIMITS.sourcesMax} sources` });
      continue;
    }
    urls.add(entry.url);
    const id = nextSourceId(ids);
    ids.add(id);
    // "News One HD" says more than a host, when the entry's own name differs from the channel's.
    const base = entry.name.trim().toLowerCase() !== channel.name.trim().toLowerCase() ? entry.name : urlHost(entry.url);
    let label = base;
    for (let n = 2; labels.has(label); n += 1) label = `${base} (${n})`;
    labels.add(label);
    sources.push(sourceFromEntry(entry, id, label));
  }
  const added = sources.length - channel.sources.length;
  return { channel: added === 0 ? channel : { ...channel, sources }, added, overflow };
}

function sourceFromEntry(entry: M3uEntry, id: string, label: string): SourceConfig {
  const source: SourceConfig = { id, url: entry.url, label };
  if (entry.userAgent !== undefined) source.userAgent = entry.userAgent;
  if (entry.headers !== undefined) source.headers = { ...entry.headers };
  return source;
}

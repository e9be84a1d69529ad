import type { ChannelConfig, Lineup, ProviderConfig } from '../../shared/lineup-types.js';
import type { SourceInput } from '../../shared/relay-client.js';
import { RelayError, isRelayError } from '../errors.js';
import { buildSources } from './build-sources.js';
import { urlHost } from './field-rules.js';
import { parseSourceList } from './parse-channel-input.js';
import {
  fail,
  fieldPath,
  readArray,
  readHttpUrl,
  readId,
  readOptionalBoolean,
  readOptionalId,
  readOptionalLogo,
  readOptionalText,
  readOptionalVariant,
  readPositiveInteger,
  readRecord,
  readText,
} from './read-fields.js';
import { slugify, uniqueSlug } from './slug.js';

const LINEUP_KEYS = ['channels', 'providers'];
const CHANNEL_KEYS = [
  'id',
  'name',
  'url',
  'sources',
  'group',
  'logo',
  'tvgId',
  'enabled',
  'activeSourceId',
  'pinned',
  'variant',
];
const PROVIDER_KEYS = ['id', 'maxConnections'];
/** Far above any provider's real limit; a bigger number is a typo. */
const MAX_CONNECTIONS = 1000;

/**
 * Reads a lineup file (the CLI's --config): `{ "channels": [...], "providers": [...] }` or a bare array of
 * channels. A channel may be loose: `{ "name"?, "id"?, "url": "…" }`, or `sources` holding URL strings or
 * source objects; missing ids are derived (channel: slug of the name; source: s1, s2 …), the name
 * defaults to the id, then the first source's host. Throws RelayError 'settings-invalid' naming the
 * field (`channels[3].sources[0].url: only http and https URLs are allowed (got file:)`).
 */
export function parseLineupJson(text: string): Lineup {
  const json = text.replace(/^\uFEFF/, '');
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch (error) {
    throw new RelayError('settings-invalid', `The lineup is not valid JSON: ${describeJsonError(json, error)}`, {
      cause: error,
    });
  }
  try {
    return readLineup(data);
  } catch (error) {
    if (isRelayError(error) && error.code !== 'settings-invalid') {
      throw new RelayError('settings-invalid', error.message, { cause: error });
    }
    throw error;
  }
}

/** V8's message, with the line and column of its "position N" (or of the end, when the input ends early). */
function describeJsonError(json: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const position = /at position (\d+)/.exec(message)?.[1];
  const atEnd = /end of JSON input/.test(message);
  const offset = position !== undefined ? Number(position) : atEnd ? json.length : undefined;
  // Newer V8 (Node 22, Electron) already says "(line 3 column 18)".
  if (offset === undefined || /\(line \d+ column \d+\)/.test(message)) return message;
  const before = json.slice(0, offset).split(/\r\n|\r|\n/);
  return `${message} (line ${before.length}, column ${(before.at(-1)?.length ?? 0) + 1})`;
}

/** Pretty JSON (two-space indent, trailing newline) that parseLineupJson reads back unchanged. */
export function serializeLineup(lineup: Lineup): string {
  return `${JSON.stringify({ channels: lineup.channels, providers: lineup.providers }, null, 2)}\n`;
}

function readLineup(data: unknown): Lineup {
  if (Array.isArray(data)) return { channels: readChannels(data, 'channels'), providers: [] };
  if (typeof data !== 'object' || data === null) {
    fail('', 'the lineup must be an object { "channels": [...], "providers": [...] } or an array of channels');
  }
  const record = readRecord(data, '', LINEUP_KEYS);
  return {
    channels: record.channels === undefined ? [] : readChannels(record.channels, 'channels'),
    providers: record.providers === undefined ? [] : readProviders(record.providers),
  };
}

/** A channel as read, before ids are handed out (explicit ids first, so a generated id never takes one). */
type ChannelDraft = Omit<ChannelConfig, 'id'> & { id?: string; path: string };

function readChannels(value: unknown, path: string): ChannelConfig[] {
  const drafts = readArray(value, path, Number.MAX_SAFE_INTEGER).map((item, index) =>
    readChannel(item, fieldPath(path, index)),
  );
  const taken = new Set<string>();
  for (const draft of drafts) {
    if (draft.id === undefined) continue;
    if (taken.has(draft.id)) fail(fieldPath(draft.path, 'id'), `another channel already has the id "${draft.id}"`);
    taken.add(draft.id);
  }
  return drafts.map(({ id, path: _path, ...channel }) => ({
    id: id ?? uniqueSlug(slugify(channel.name), taken),
    ...channel,
  }));
}

function readChannel(value: unknown, path: string): ChannelDraft {
  const record = readRecord(value, path, CHANNEL_KEYS);
  const at = (key: string): string => fieldPath(path, key);
  const id = readOptionalId(record.id, at('id'));
  const sources = buildSources(readSourceInputs(record, path));
  const firstHost = sources[0] === undefined ? undefined : urlHost(sources[0].url);
  const name = record.name !== undefined ? readText(record.name, at('name')) : (id ?? firstHost);
  if (name === undefined) fail(at('name'), 'a channel without sources needs a name or an id');
  const group = readOptionalText(record.group, at('group'));
  const logo = readOptionalLogo(record.logo, at('logo'));
  const tvgId = readOptionalText(record.tvgId, at('tvgId'));
  const activeSourceId = readOptionalId(record.activeSourceId, at('activeSourceId'));
  if (activeSourceId !== undefined && !sources.some((source) => source.id === activeSourceId)) {
    fail(at('activeSourceId'), `no source has the id "${activeSourceId}"`);
  }
  const pinned = readOptionalBoolean(record.pinned, at('pinned'));
  const variant = readOptionalVariant(record.variant, at('variant'));
  return {
    path,
    ...(id !== undefined && { id }),
    name,
    ...(group !== undefined && { group }),
    ...(logo !== undefined && { logo }),
    ...(tvgId !== undefined && { tvgId }),
    enabled: readOptionalBoolean(record.enabled, at('enabled')) ?? true,
    sources,
    ...(activeSourceId !== undefined && { activeSourceId }),
    ...(pinned !== undefined && { pinned }),
    ...(variant !== undefined && { variant }),
  };
}

/** `"url": "…"` is short for one source; `sources` items may be bare URL strings. */
function readSourceInputs(record: Record<string, unknown>, path: string): SourceInput[] {
  if (record.url !== undefined && record.sources !== undefined) {
    fail(path, 'give either "url" or "sources", not both');
  }
  if (record.url !== undefined) return [{ url: readHttpUrl(record.url, fieldPath(path, 'url')) }];
  if (record.sources === undefined) fail(path, 'a channel needs "url" or "sources"');
  const sourcesPath = fieldPath(path, 'sources');
  const expanded = readArray(record.sources, sourcesPath, Number.MAX_SAFE_INTEGER).map((item, index) =>
    typeof item === 'string' ? { url: readHttpUrl(item, fieldPath(sourcesPath, index)) } : item,
  );
  return parseSourceList(expanded, sourcesPath);
}

function readProviders(value: unknown): ProviderConfig[] {
  const seen = new Set<string>();
  return readArray(value, 'providers', Number.MAX_SAFE_INTEGER).map((item, index) => {
    const path = fieldPath('providers', index);
    const record = readRecord(item, path, PROVIDER_KEYS);
    const id = readId(record.id, fieldPath(path, 'id'));
    if (seen.has(id)) fail(fieldPath(path, 'id'), `another provider already has the id "${id}"`);
    seen.add(id);
    const at = fieldPath(path, 'maxConnections');
    return { id, maxConnections: readPositiveInteger(record.maxConnections, at, MAX_CONNECTIONS) };
  });
}

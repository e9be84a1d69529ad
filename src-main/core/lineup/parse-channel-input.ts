import type { ChannelInput, ChannelPatch, SourceInput } from '../../shared/relay-client.js';
import { LIMITS } from './field-rules.js';
import {
  fail,
  fieldPath,
  readArray,
  readHttpUrl,
  readOptionalBoolean,
  readOptionalHeaders,
  readOptionalId,
  readOptionalLogo,
  readOptionalText,
  readOptionalUserAgent,
  readOptionalVariant,
  readRecord,
  readText,
} from './read-fields.js';

/*
 * The control API and the IPC bridge hand these functions parsed JSON they have not looked at. Each
 * returns a clean, typed value (trimmed text, no unknown keys, no null for absent fields) or throws
 * RelayError: 'invalid-url' for URLs, 'bad-request' for everything else, the message naming the field.
 */

const SOURCE_KEYS = ['id', 'url', 'label', 'userAgent', 'headers', 'provider', 'variant'];
const CHANNEL_KEYS = ['id', 'name', 'group', 'logo', 'enabled', 'sources', 'variant'];
const PATCH_KEYS = ['name', 'group', 'logo', 'enabled', 'pinned', 'sources', 'variant'];

/** One source: `url` (http/https) required; id, label, userAgent, headers, provider, variant optional. */
export function parseSourceInput(value: unknown, path = ''): SourceInput {
  const record = readRecord(value, path, SOURCE_KEYS);
  const id = readOptionalId(record.id, fieldPath(path, 'id'));
  const url = readHttpUrl(record.url, fieldPath(path, 'url'));
  const source: SourceInput = id === undefined ? { url } : { id, url };
  const label = readOptionalText(record.label, fieldPath(path, 'label'));
  if (label !== undefined) source.label = label;
  const userAgent = readOptionalUserAgent(record.userAgent, fieldPath(path, 'userAgent'));
  if (userAgent !== undefined) source.userAgent = userAgent;
  const headers = readOptionalHeaders(record.headers, fieldPath(path, 'headers'));
  if (headers !== undefined) source.headers = headers;
  const provider = readOptionalId(record.provider, fieldPath(path, 'provider'));
  if (provider !== undefined) source.provider = provider;
  const variant = readOptionalVariant(record.variant, fieldPath(path, 'variant'));
  if (variant !== undefined) source.variant = variant;
  return source;
}

/**
 * An ordered source list. Ids and URLs must be distinct: a switch by URL has to find exactly one source,
 * and two entries for one URL would only double the retries of a failing upstream.
 */
export function parseSourceList(value: unknown, path: string): SourceInput[] {
  const sources = readArray(value, path, LIMITS.sourcesMax).map((item, index) =>
    parseSourceInput(item, fieldPath(path, index)),
  );
  const ids = new Map<string, number>();
  const urls = new Map<string, number>();
  sources.forEach((source, index) => {
    const sameUrl = urls.get(source.url);
    if (sameUrl !== undefined) fail(fieldPath(fieldPath(path, index), 'url'), `same URL as ${path}[${sameUrl}]`);
    urls.set(source.url, index);
    if (source.id === undefined) return;
    const sameId = ids.get(source.id);
    if (sameId !== undefined) fail(fieldPath(fieldPath(path, index), 'id'), `same id as ${path}[${sameId}]`);
    ids.set(source.id, index);
  });
  return sources;
}

/** A new channel: name required, sources required (may be empty: the channel cannot play until it has one). */
export function parseChannelInput(value: unknown): ChannelInput {
  const record = readRecord(value, '', CHANNEL_KEYS);
  const id = readOptionalId(record.id, 'id');
  const name = readText(record.name, 'name');
  const group = readOptionalText(record.group, 'group');
  const logo = readOptionalLogo(record.logo, 'logo');
  const enabled = readOptionalBoolean(record.enabled, 'enabled');
  const sources = parseSourceList(record.sources, 'sources');
  const variant = readOptionalVariant(record.variant, 'variant');
  return {
    ...(id !== undefined && { id }),
    name,
    ...(group !== undefined && { group }),
    ...(logo !== undefined && { logo }),
    ...(enabled !== undefined && { enabled }),
    sources,
    ...(variant !== undefined && { variant }),
  };
}

/** Fields to change; group, logo or variant null (or "") clears it; `sources` replaces the list. */
export function parseChannelPatch(value: unknown): ChannelPatch {
  const record = readRecord(value, '', PATCH_KEYS);
  const patch: ChannelPatch = {};
  if (record.name !== undefined) patch.name = readText(record.name, 'name');
  if (record.group !== undefined) patch.group = readOptionalText(record.group, 'group') ?? null;
  if (record.logo !== undefined) patch.logo = readOptionalLogo(record.logo, 'logo') ?? null;
  const enabled = readOptionalBoolean(record.enabled, 'enabled');
  if (enabled !== undefined) patch.enabled = enabled;
  const pinned = readOptionalBoolean(record.pinned, 'pinned');
  if (pinned !== undefined) patch.pinned = pinned;
  if (record.sources !== undefined) patch.sources = parseSourceList(record.sources, 'sources');
  if (record.variant !== undefined) patch.variant = readOptionalVariant(record.variant, 'variant') ?? null;
  return patch;
}

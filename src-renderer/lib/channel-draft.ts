import type { ChannelInput, ChannelPatch, SourceInput } from '../../src-main/shared/relay-client.js';
import type { ChannelSnapshot } from '../../src-main/shared/relay-types.js';

/** One source as the editor shows it; `original` keeps the fields the form does not edit. */
export interface SourceDraft {
  /** Stable key for the form's list, also for sources not saved yet. */
  key: number;
  url: string;
  label: string;
  userAgent: string;
  referer: string;
  original: SourceInput | null;
}

export interface ChannelDraft {
  name: string;
  group: string;
  logo: string;
  enabled: boolean;
  sources: SourceDraft[];
}

export interface DraftErrors {
  name?: string;
  logo?: string;
  sources?: string;
  /** By SourceDraft.key. */
  sourceUrl: Record<number, string>;
  sourceReferer: Record<number, string>;
  sourceUserAgent: Record<number, string>;
}

let nextKey = 1;

export function emptySourceDraft(): SourceDraft {
  return { key: nextKey++, url: '', label: '', userAgent: '', referer: '', original: null };
}

function refererOf(headers: Record<string, string> | undefined): string {
  const name = Object.keys(headers ?? {}).find((key) => key.toLowerCase() === 'referer');
  return name ? (headers?.[name] ?? '') : '';
}

/** The editor's starting point: the channel as it is, or an empty channel with one empty source. */
export function draftFromChannel(channel: ChannelSnapshot | null): ChannelDraft {
  if (!channel) return { name: '', group: '', logo: '', enabled: true, sources: [emptySourceDraft()] };
  return {
    name: channel.name,
    group: channel.group ?? '',
    logo: channel.logo ?? '',
    enabled: channel.enabled,
    sources: channel.sources.map((source) => ({
      key: nextKey++,
      url: source.url,
      label: source.label,
      userAgent: source.userAgent ?? '',
      referer: refererOf(source.headers),
      original: source,
    })),
  };
}

/** True for an absolute http(s) address. */
export function isWebAddress(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** What is wrong with the draft, field by field, in words; no keys set when it can be saved. */
export function validateDraft(draft: ChannelDraft): DraftErrors {
  const errors: DraftErrors = { sourceUrl: {}, sourceReferer: {}, sourceUserAgent: {} };
  if (draft.name.trim() === '') errors.name = 'Give the channel a name.';
  else if (draft.name.trim().length > 200) errors.name = 'Use a shorter name (200 characters at most).';
  if (draft.logo.trim() !== '' && !isWebAddress(draft.logo.trim())) {
    errors.logo = 'The logo must be a web address starting with http:// or https://.';
  }
  if (draft.sources.length === 0) errors.sources = 'Add at least one source: the address of the stream.';
  for (const source of draft.sources) {
    const url = source.url.trim();
    if (url === '') errors.sourceUrl[source.key] = 'Enter the address of the stream.';
    else if (!isWebAddress(url)) errors.sourceUrl[source.key] = 'The address must start with http:// or https://.';
    if (source.referer.trim() !== '' && !isWebAddress(source.referer.trim())) {
      errors.sourceReferer[source.key] = 'The Referer must be a web address starting with http:// or https://.';
    }
    if (/[\r\n]/.test(source.userAgent)) errors.sourceUserAgent[source.key] = 'The user agent must be on one line.';
  }
  return errors;
}

export function draftIsValid(errors: DraftErrors): boolean {
  return (
    errors.name === undefined &&
    errors.logo === undefined &&
    errors.sources === undefined &&
    Object.keys(errors.sourceUrl).length === 0 &&
    Object.keys(errors.sourceReferer).length === 0 &&
    Object.keys(errors.sourceUserAgent).length === 0
  );
}

function sourceInput(draft: SourceDraft): SourceInput {
  const original = draft.original ?? { url: '' };
  const headers = Object.fromEntries(
    Object.entries(original.headers ?? {}).filter(([name]) => name.toLowerCase() !== 'referer'),
  );
  const referer = draft.referer.trim();
  if (referer !== '') headers.Referer = referer;
  const input: SourceInput = { ...original, url: draft.url.trim() };
  const label = draft.label.trim();
  const userAgent = draft.userAgent.trim();
  if (label) input.label = label;
  else delete input.label;
  if (userAgent) input.userAgent = userAgent;
  else delete input.userAgent;
  if (Object.keys(headers).length > 0) input.headers = headers;
  else delete input.headers;
  return input;
}

export function inputFromDraft(draft: ChannelDraft): ChannelInput {
  const input: ChannelInput = { name: draft.name.trim(), enabled: draft.enabled, sources: draft.sources.map(sourceInput) };
  if (draft.group.trim()) input.group = draft.group.trim();
  if (draft.logo.trim()) input.logo = draft.logo.trim();
  return input;
}

/** The whole channel as a patch: `sources` replaces the list (adds, removals and the new order). */
export function patchFromDraft(draft: ChannelDraft): ChannelPatch {
  return {
    name: draft.name.trim(),
    group: draft.group.trim() || null,
    logo: draft.logo.trim() || null,
    enabled: draft.enabled,
    sources: draft.sources.map(sourceInput),
  };
}

/** A copy of the list with the item at `from` moved to `to` (clamped to the list). */
export function moveItem<T>(items: readonly T[], from: number, to: number): T[] {
  const next = [...items];
  const target = Math.max(0, Math.min(next.length - 1, to));
  const [item] = next.splice(from, 1);
  if (item !== undefined) next.splice(target, 0, item);
  return next;
}

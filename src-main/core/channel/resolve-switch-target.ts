import type { ChannelConfig, SourceConfig } from '../../shared/lineup-types.js';
import type { SwitchTarget } from '../../shared/relay-client.js';
import type { ErrorCode } from '../../shared/error-codes.js';
import { httpUrlProblem, urlHost } from '../lineup/field-rules.js';
import { nextSourceId } from '../lineup/slug.js';

export type ResolvedTarget =
  | { ok: true; source: SourceConfig; added: boolean }
  | { ok: false; code: ErrorCode; message: string };

/**
 * The source a switch request names: by id, by URL (a new URL becomes a new source of the channel), or the
 * next/previous one after the active source, wrapping around.
 */
export function resolveSwitchTarget(config: ChannelConfig, activeId: string | null, target: SwitchTarget): ResolvedTarget {
  const { sources } = config;
  if ('sourceId' in target) {
    const source = sources.find((candidate) => candidate.id === target.sourceId);
    return source ? { ok: true, source, added: false } : { ok: false, code: 'source-not-found', message: `Channel ${config.id} has no source ${target.sourceId}` };
  }
  if ('url' in target) {
    const problem = httpUrlProblem(target.url);
    if (problem) return { ok: false, code: 'invalid-url', message: `${target.url.slice(0, 200)}: ${problem}` };
    const known = sources.find((candidate) => candidate.url === target.url);
    if (known) return { ok: true, source: known, added: false };
    const id = nextSourceId(new Set(sources.map((source) => source.id)));
    return { ok: true, source: { id, url: target.url, label: `Added ${urlHost(target.url)}` }, added: true };
  }
  if (sources.length === 0) return { ok: false, code: 'source-not-found', message: `Channel ${config.id} has no sources` };
  const index = Math.max(0, sources.findIndex((candidate) => candidate.id === activeId));
  const step = target.direction === 'next' ? 1 : -1;
  return { ok: true, source: sources[(index + step + sources.length) % sources.length]!, added: false };
}

/** A readable name for a source: its label, else its host, else its position. */
export function sourceLabel(source: SourceConfig, index?: number): string {
  if (source.label) return source.label;
  const host = safeHost(source.url);
  if (host) return host;
  return index === undefined ? source.id : `Source ${index + 1}`;
}

function safeHost(url: string): string {
  try {
    return urlHost(url);
  } catch {
    return '';
  }
}

import type { ChannelConfig, Lineup } from '../shared/lineup-types.js';
import { RelayError } from '../core/errors.js';
import { httpUrlProblem, idProblem } from '../core/lineup/field-rules.js';
import { nextSourceId } from '../core/lineup/slug.js';
import type { CliOptions } from './parse-cli-args.js';

/**
 * The lineup the relay starts with: the saved one, then the channel given by --url/--channel (its URL
 * becomes the active source, keeping the channel's other sources), then the demo channel.
 */
export function buildStartLineup(saved: Lineup, options: Pick<CliOptions, 'url' | 'channel'>, demo?: ChannelConfig): Lineup {
  let channels = [...saved.channels];
  if (options.url) {
    const urlProblem = httpUrlProblem(options.url);
    if (urlProblem) throw new RelayError('invalid-url', `--url: ${urlProblem}`);
    const idIssue = idProblem(options.channel);
    if (idIssue) throw new RelayError('bad-request', `--channel: ${idIssue}`);
    channels = withUrlChannel(channels, options.channel, options.url);
  }
  if (demo && !channels.some((channel) => channel.id === demo.id)) channels.push(demo);
  return { channels, providers: saved.providers };
}

function withUrlChannel(channels: ChannelConfig[], id: string, url: string): ChannelConfig[] {
  const existing = channels.find((channel) => channel.id === id);
  if (!existing) {
    return [...channels, { id, name: id, enabled: true, sources: [{ id: 's1', url }], activeSourceId: 's1' }];
  }
  const known = existing.sources.find((source) => source.url === url);
  const sources = known ? existing.sources : [...existing.sources, { id: nextSourceId(new Set(existing.sources.map((source) => source.id))), url }];
  const active = known ?? sources.at(-1)!;
  return channels.map((channel) => (channel.id === id ? { ...existing, sources, activeSourceId: active.id } : channel));
}

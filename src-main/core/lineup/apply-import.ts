import type { GroupBy, ImportMode, ImportReport, SkippedLine } from '../../shared/import-types.js';
import type { ChannelConfig, Lineup } from '../../shared/lineup-types.js';
import { RelayError } from '../errors.js';
import {
  appendSources,
  channelFromGroup,
  channelKey,
  collectGroups,
  describeGroup,
  type GroupDescription,
} from './group-entries.js';
import type { ParsedM3u } from './parse-m3u.js';

export interface ImportOptions {
  /** Default 'tvg-id'. */
  groupBy?: GroupBy;
  /** Default 'merge'. */
  mode?: ImportMode;
}

/**
 * An import that changed nothing because the playlist had no usable entry. `report` says why line by line:
 * the control API can answer `{ error: { code, message }, report }`.
 */
export class ImportError extends RelayError {
  readonly report: ImportReport;

  constructor(message: string, report: ImportReport) {
    super('import-invalid', message);
    this.name = 'ImportError';
    this.report = report;
  }
}

/** How many skipped lines the error message quotes; the report has all of them. */
const QUOTED_PROBLEMS = 3;

/**
 * A parsed playlist applied to a lineup. Returns a new lineup (unchanged channels are shared, nothing is
 * mutated) and a report. Throws ImportError ('import-invalid') when the playlist has no usable entry, so
 * an import is all or nothing.
 *
 * merge: an entry group matching a channel (channelKey: same tvg-id, else same name) adds the sources
 * whose URL the channel lacks and fills a missing group, logo or tvg-id; other groups become new channels
 * at the end, with ids unique in the lineup. replace: the channels become the imported ones; providers
 * stay. Entries past a channel's source cap are added to `report.skipped`.
 */
export function applyImport(
  lineup: Lineup,
  parsed: ParsedM3u,
  options: ImportOptions = {},
): { lineup: Lineup; report: ImportReport } {
  const report: ImportReport = {
    entries: parsed.entries.length,
    channelsAdded: 0,
    channelsUpdated: 0,
    sourcesAdded: 0,
    skipped: parsed.skipped.map((line) => ({ ...line })),
  };
  if (parsed.entries.length === 0) throw new ImportError(describeFailure(report), report);

  const groupBy = options.groupBy ?? 'tvg-id';
  const replacing = options.mode === 'replace';
  const channels = replacing ? [] : [...lineup.channels];
  const taken = new Set(channels.map((channel) => channel.id));
  const indexByKey = new Map<string, number>();
  channels.forEach((channel, index) => {
    const key = channelKey(channel, groupBy);
    if (!indexByKey.has(key)) indexByKey.set(key, index);
  });

  const overflow: SkippedLine[] = [];
  for (const group of collectGroups(parsed.entries, groupBy)) {
    const index = indexByKey.get(group.key);
    const existing = index === undefined ? undefined : channels[index];
    if (index === undefined || existing === undefined) {
      const created = channelFromGroup(group, taken);
      indexByKey.set(group.key, channels.length);
      channels.push(created.channel);
      overflow.push(...created.overflow);
      report.channelsAdded += 1;
      report.sourcesAdded += created.added;
      continue;
    }
    const appended = appendSources(fillMissing(existing, describeGroup(group)), group.entries);
    overflow.push(...appended.overflow);
    if (appended.channel !== existing) {
      channels[index] = appended.channel;
      report.channelsUpdated += 1;
      report.sourcesAdded += appended.added;
    }
  }
  if (overflow.length > 0) report.skipped = [...report.skipped, ...overflow].sort((a, b) => a.line - b.line);
  return { lineup: { channels, providers: [...lineup.providers] }, report };
}

/** The user's own group, logo and tvg-id win; the import only fills what is missing. */
function fillMissing(channel: ChannelConfig, imported: GroupDescription): ChannelConfig {
  const missing: Partial<GroupDescription> = {};
  if (channel.group === undefined && imported.group !== undefined) missing.group = imported.group;
  if (channel.logo === undefined && imported.logo !== undefined) missing.logo = imported.logo;
  if (channel.tvgId === undefined && imported.tvgId !== undefined) missing.tvgId = imported.tvgId;
  return Object.keys(missing).length === 0 ? channel : { ...channel, ...missing };
}

function describeFailure(report: ImportReport): string {
  const quoted = report.skipped
    .slice(0, QUOTED_PROBLEMS)
    .map((skipped) => `line ${skipped.line}: ${skipped.reason}`)
    .join('; ');
  const more = report.skipped.length > QUOTED_PROBLEMS ? ` (${report.skipped.length} problems in all)` : '';
  const details = quoted === '' ? '' : ` — ${quoted}`;
  return `The playlist has no usable channel entries${details}${more}. Nothing was imported.`;
}

import type { ImportReport, ImportRequest } from '../../shared/import-types.js';
import type { ChannelConfig, Lineup, RelaySettings } from '../../shared/lineup-types.js';
import type { ChannelInput, ChannelPatch, Overview, SwitchOutcome, SwitchRequest } from '../../shared/relay-client.js';
import type { ChannelSnapshot, RelayUpdate, ServerInfo, TimelineEvent } from '../../shared/relay-types.js';
import { Channel, type ChannelListener } from '../channel/channel.js';
import { tuningFromSettings, type ChannelTuning } from '../channel/channel-tuning.js';
import { ProviderLimiter } from '../channel/provider-limiter.js';
import { RelayError } from '../errors.js';
import { applyImport } from '../lineup/apply-import.js';
import { addChannel, moveChannel, removeChannel, updateChannel } from '../lineup/edit-lineup.js';
import { parseM3u } from '../lineup/parse-m3u.js';
import { silentLogger, type Logger } from '../logger.js';
import { applySettingsPatch, parseSettingsPatch } from '../settings/parse-settings.js';
import { systemClock, type Clock } from '../time.js';
import { createUpstreamClient, type UpstreamLimits } from '../upstream/upstream-client.js';
import { fetchImportText } from './fetch-import-text.js';
import type { Relay } from './relay.js';
import { createUpdateHub } from './update-hub.js';

export interface CreateRelayOptions {
  lineup: Lineup;
  settings: RelaySettings;
  logger?: Logger;
  clock?: Clock;
  /** Engine tuning beyond the user settings (tests tighten timeouts). */
  tuning?: Partial<ChannelTuning>;
  upstream?: Partial<UpstreamLimits>;
  version?: string;
}

/** Builds the engine for a lineup; channels start fetching lazily when a player first asks. */
export function createRelay(options: CreateRelayOptions): Relay {
  const logger = options.logger ?? silentLogger;
  const clock = options.clock ?? systemClock;
  const client = createUpstreamClient(options.upstream ?? {}, { now: clock.now });
  const providers = new ProviderLimiter(options.lineup.providers);
  let settings = options.settings;
  let providerList = options.lineup.providers;
  const channels = new Map<string, Channel>();
  const lineupListeners = new Set<(lineup: Lineup) => void>();
  const settingsListeners = new Set<(settings: RelaySettings) => void>();
  let server: ServerInfo = defaultServerInfo(settings, options.version ?? '0.0.0');
  const hub = createUpdateHub({ snapshotAll: () => snapshots() });

  // A removed channel still reports while it shuts down: only channels of the lineup are published.
  const inLineup = (channel: Channel) => channels.get(channel.id) === channel;
  const channelListener: ChannelListener = {
    changed: (channel) => {
      if (inLineup(channel)) hub.channelChanged(channel.id, () => channel.snapshot());
    },
    timeline: (channel, event) => {
      if (inLineup(channel)) hub.publish({ type: 'timeline', channelId: channel.id, event });
    },
    configChanged: (channel) => {
      if (inLineup(channel)) emitLineup();
    },
  };

  function makeChannel(config: ChannelConfig): Channel {
    const tuning = tuningFromSettings(settings, options.tuning);
    return new Channel(config, { client, clock, logger, providers, tuning }, channelListener);
  }

  function currentLineup(): Lineup {
    return { channels: [...channels.values()].map((channel) => channel.config), providers: providerList };
  }

  function snapshots(): ChannelSnapshot[] {
    return [...channels.values()].map((channel) => channel.snapshot());
  }

  function emitLineup(): void {
    const lineup = currentLineup();
    for (const listener of lineupListeners) listener(lineup);
  }

  /** Makes the running channels match a new lineup: new ones created, removed ones stopped, edits applied. */
  async function applyLineup(next: Lineup): Promise<void> {
    providerList = next.providers;
    providers.setProviders(next.providers);
    const wanted = new Map(next.channels.map((config) => [config.id, config]));
    const removed = [...channels.values()].filter((channel) => !wanted.has(channel.id));
    const ordered = new Map<string, Channel>();
    for (const config of next.channels) {
      const existing = channels.get(config.id);
      if (existing) {
        if (existing.config !== config) existing.updateConfig(config);
        ordered.set(config.id, existing);
      } else {
        ordered.set(config.id, makeChannel(config));
      }
    }
    channels.clear();
    for (const [id, channel] of ordered) channels.set(id, channel);
    for (const channel of removed) hub.channelRemoved(channel.id);
    hub.channelsChanged();
    emitLineup();
    await Promise.all(removed.map((channel) => channel.destroy()));
  }

  function requireChannel(id: string): Channel {
    const channel = channels.get(id);
    if (!channel) throw new RelayError('channel-not-found', `No channel "${id.slice(0, 64)}"`);
    return channel;
  }

  for (const config of options.lineup.channels) channels.set(config.id, makeChannel(config));

  const relay: Relay = {
    channel: (id) => channels.get(id),
    lineup: currentLineup,
    serverInfo: () => server,
    setServerInfo(info) {
      server = info;
    },
    onLineupChange(listener) {
      lineupListeners.add(listener);
      return () => lineupListeners.delete(listener);
    },
    onSettingsChange(listener) {
      settingsListeners.add(listener);
      return () => settingsListeners.delete(listener);
    },
    upstreamStats: () => client.stats(),

    async overview(): Promise<Overview> {
      return { server, channels: snapshots() };
    },
    subscribe: (listener: (update: RelayUpdate) => void) => hub.subscribe(listener),
    async timeline(channelId: string): Promise<TimelineEvent[]> {
      return requireChannel(channelId).timelineEvents();
    },
    async switchSource(channelId: string, request: SwitchRequest): Promise<SwitchOutcome> {
      const channel = requireChannel(channelId);
      const result = await channel.switchTo(request.target, { reason: 'manual', pin: request.pin ?? true });
      const snapshot = channel.snapshot();
      return result.ok ? { ok: true, switch: result.switch, channel: snapshot } : { ...result, channel: snapshot };
    },
    async addChannel(input: ChannelInput): Promise<ChannelSnapshot> {
      const next = addChannel(currentLineup(), input);
      await applyLineup(next);
      return requireChannel(next.channels.at(-1)!.id).snapshot();
    },
    async updateChannel(channelId: string, patch: ChannelPatch): Promise<ChannelSnapshot> {
      await applyLineup(updateChannel(currentLineup(), channelId, patch));
      return requireChannel(channelId).snapshot();
    },
    async removeChannel(channelId: string): Promise<void> {
      await applyLineup(removeChannel(currentLineup(), channelId));
    },
    async moveChannel(channelId: string, toIndex: number): Promise<void> {
      await applyLineup(moveChannel(currentLineup(), channelId, toIndex));
    },
    async importM3u(request: ImportRequest): Promise<ImportReport> {
      const text = request.text ?? (request.url ? await fetchImportText(client, request.url, settings.userAgent) : undefined);
      if (text === undefined) throw new RelayError('bad-request', 'Give the M3U as text or as a URL');
      const { lineup, report } = applyImport(currentLineup(), parseM3u(text), {
        ...(request.groupBy ? { groupBy: request.groupBy } : {}),
        ...(request.mode ? { mode: request.mode } : {}),
      });
      await applyLineup(lineup);
      return report;
    },
    async settings(): Promise<RelaySettings> {
      return settings;
    },
    async updateSettings(patch: Partial<RelaySettings>): Promise<RelaySettings> {
      settings = applySettingsPatch(settings, parseSettingsPatch(patch));
      // New sizes apply to channels as they are created; idle channels are rebuilt now.
      for (const [id, channel] of channels) {
        if (!channel.running) {
          await channel.destroy();
          channels.set(id, makeChannel(channel.config));
        }
      }
      for (const listener of settingsListeners) listener(settings);
      hub.channelsChanged();
      return settings;
    },
    async destroy() {
      hub.close();
      await Promise.all([...channels.values()].map((channel) => channel.destroy()));
      await client.destroy();
    },
  };
  return relay;
}

function defaultServerInfo(settings: RelaySettings, version: string): ServerInfo {
  const baseUrl = `http://127.0.0.1:${settings.port}`;
  return { baseUrl, playlistUrl: `${baseUrl}/channels.m3u`, version };
}

import { createSubscriber } from 'svelte/reactivity';
import type { ImportReport, ImportRequest } from '../../src-main/shared/import-types.js';
import type { RelaySettings } from '../../src-main/shared/lineup-types.js';
import type { ChannelInput, ChannelPatch, RelayClient, SwitchTarget } from '../../src-main/shared/relay-client.js';
import type { ChannelSnapshot, RelayUpdate, ServerInfo, TimelineEvent } from '../../src-main/shared/relay-types.js';
import { applyChannelUpdates, applyTimelineUpdates, mergeTimeline, upsertChannel } from './apply-updates.js';
import { describeCode, describeError } from './error-text.js';

/** What the window shows about the latest switch a user asked for on one channel. */
export type SwitchStatus =
  | { phase: 'switching'; target: string; sourceId: string | null }
  | { phase: 'switched'; to: string; latencyMs: number | null; already: boolean; at: number }
  | { phase: 'failed'; target: string; reason: string; stayedOn: string | null; at: number };

export interface TimelineView {
  events: readonly TimelineEvent[];
  loading: boolean;
  error: string | null;
}

/** Live updates arrive in bursts (one per channel); drawing once per burst keeps 2 000 channels cheap. */
const FLUSH_MS = 50;

function sourceLabel(channel: ChannelSnapshot | undefined, sourceId: string | null | undefined): string | null {
  return channel?.sources.find((source) => source.id === sourceId)?.label ?? null;
}

function targetLabel(channel: ChannelSnapshot | undefined, target: SwitchTarget): string {
  if ('sourceId' in target) return sourceLabel(channel, target.sourceId) ?? target.sourceId;
  if ('url' in target) return target.url;
  return target.direction === 'next' ? 'the next source' : 'the previous source';
}

/**
 * The relay as the window sees it: channels kept current from `subscribe()` while anything shows them,
 * plus every action a user can take. Components read and call this; only `use()` touches the transport.
 */
export class RelayStore {
  #client = $state.raw<RelayClient | null>(null);
  #channels = $state.raw<readonly ChannelSnapshot[]>([]);
  #server = $state.raw<ServerInfo | null>(null);
  #loaded = $state(false);
  #loadError = $state<string | null>(null);
  #timelines = $state.raw<Readonly<Record<string, readonly TimelineEvent[]>>>({});
  #timelineLoading = $state.raw<Readonly<Record<string, boolean>>>({});
  #timelineErrors = $state.raw<Readonly<Record<string, string>>>({});
  #switches = $state.raw<Readonly<Record<string, SwitchStatus>>>({});

  // Rebuilt whole with every new channel list and never mutated, so a plain Map is right here.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  #byId = $derived(new Map(this.#channels.map((channel) => [channel.id, channel])));

  #following = false;
  #unsubscribe: (() => void) | null = null;
  /** Bumped on every (re)connection, so answers meant for a previous client are dropped. */
  #generation = 0;
  #liveChannels = false;
  #pending: RelayUpdate[] = [];
  #flushTimer: ReturnType<typeof setTimeout> | null = null;
  #switchRequests: Record<string, number> = {};

  #subscribe = createSubscriber(() => {
    this.#following = true;
    this.#follow();
    return () => {
      this.#following = false;
      this.#unfollow();
    };
  });

  /** Switches to another client (or none), dropping everything learned from the previous one. */
  use(client: RelayClient | null): void {
    this.#unfollow();
    this.#client = client;
    this.#channels = [];
    this.#server = null;
    this.#loaded = false;
    this.#loadError = null;
    this.#timelines = {};
    this.#timelineLoading = {};
    this.#timelineErrors = {};
    this.#switches = {};
    this.#switchRequests = {};
    if (this.#following) this.#follow();
  }

  get capabilities(): RelayClient['capabilities'] {
    return this.#client?.capabilities ?? { openInVlc: false };
  }

  /** Every channel in lineup order. */
  get channels(): readonly ChannelSnapshot[] {
    this.#subscribe();
    return this.#channels;
  }

  get server(): ServerInfo | null {
    this.#subscribe();
    return this.#server;
  }

  /** False until the first list of channels arrived. */
  get loaded(): boolean {
    this.#subscribe();
    return this.#loaded;
  }

  /** Why the first load failed, in words. */
  get loadError(): string | null {
    this.#subscribe();
    return this.#loadError;
  }

  channel(id: string): ChannelSnapshot | undefined {
    this.#subscribe();
    return this.#byId.get(id);
  }

  /** Absolute URL for players, or null before the relay said where it listens. */
  streamUrl(channel: ChannelSnapshot): string | null {
    const server = this.server;
    return server ? server.baseUrl.replace(/\/+$/, '') + channel.streamPath : null;
  }

  timeline(channelId: string): TimelineView {
    return {
      events: this.#timelines[channelId] ?? [],
      loading: this.#timelineLoading[channelId] ?? false,
      error: this.#timelineErrors[channelId] ?? null,
    };
  }

  switchStatus(channelId: string): SwitchStatus | null {
    return this.#switches[channelId] ?? null;
  }

  /** Fetches a channel's past events; live ones are added as they come. */
  async loadTimeline(channelId: string): Promise<void> {
    const client = this.#client;
    if (!client) return;
    const generation = this.#generation;
    this.#timelineLoading = { ...this.#timelineLoading, [channelId]: true };
    let error: string | null = null;
    try {
      const events = await client.timeline(channelId);
      if (generation !== this.#generation) return;
      this.#timelines = { ...this.#timelines, [channelId]: mergeTimeline(this.#timelines[channelId] ?? [], events) };
    } catch (thrown) {
      error = describeError(thrown);
    }
    if (generation !== this.#generation) return;
    this.#timelineLoading = { ...this.#timelineLoading, [channelId]: false };
    const { [channelId]: _previous, ...others } = this.#timelineErrors;
    this.#timelineErrors = error === null ? others : { ...others, [channelId]: error };
  }

  /**
   * Asks the relay to switch; the status reads "switching" at once, then the outcome in words. Only the
   * latest request per channel reports, so quick repeated clicks cannot show a stale result.
   */
  async switchSource(channelId: string, target: SwitchTarget): Promise<void> {
    const client = this.#client;
    if (!client) return;
    const before = this.#byId.get(channelId);
    const request = (this.#switchRequests[channelId] ?? 0) + 1;
    this.#switchRequests[channelId] = request;
    const label = targetLabel(before, target);
    this.#setSwitch(channelId, { phase: 'switching', target: label, sourceId: 'sourceId' in target ? target.sourceId : null });
    let status: SwitchStatus;
    try {
      const outcome = await client.switchSource(channelId, { target });
      this.#merge(outcome.channel);
      const current = sourceLabel(outcome.channel, outcome.channel.activeSourceId);
      status = outcome.ok
        ? {
            phase: 'switched',
            to: current ?? label,
            latencyMs: outcome.switch?.latencyMs ?? null,
            already: outcome.switch === null,
            at: Date.now(),
          }
        : { phase: 'failed', target: label, reason: describeCode(outcome.code), stayedOn: current, at: Date.now() };
    } catch (error) {
      const current = this.#byId.get(channelId) ?? before;
      status = {
        phase: 'failed',
        target: label,
        reason: describeError(error),
        stayedOn: sourceLabel(current, current?.activeSourceId),
        at: Date.now(),
      };
    }
    if (this.#switchRequests[channelId] === request) this.#setSwitch(channelId, status);
  }

  dismissSwitch(channelId: string): void {
    const { [channelId]: _dismissed, ...others } = this.#switches;
    this.#switches = others;
  }

  async addChannel(input: ChannelInput): Promise<ChannelSnapshot> {
    const channel = await this.#require().addChannel(input);
    this.#merge(channel);
    return channel;
  }

  async updateChannel(channelId: string, patch: ChannelPatch): Promise<ChannelSnapshot> {
    const channel = await this.#require().updateChannel(channelId, patch);
    this.#merge(channel);
    return channel;
  }

  async removeChannel(channelId: string): Promise<void> {
    await this.#require().removeChannel(channelId);
    this.#channels = applyChannelUpdates(this.#channels, [{ type: 'channel-removed', id: channelId }]);
  }

  /** Moves a channel to a 0-based position in the lineup; the list reorders at once. */
  async moveChannel(channelId: string, toIndex: number): Promise<void> {
    await this.#require().moveChannel(channelId, toIndex);
    const channels = this.#channels.filter((channel) => channel.id !== channelId);
    const moved = this.#byId.get(channelId);
    if (!moved) return;
    channels.splice(Math.max(0, Math.min(channels.length, toIndex)), 0, moved);
    this.#channels = channels;
  }

  async importM3u(request: ImportRequest): Promise<ImportReport> {
    const client = this.#require();
    const report = await client.importM3u(request);
    // The event stream reports the new lineup too; asking again makes the list right even if it lags.
    const generation = this.#generation;
    const overview = await client.overview().catch(() => null);
    if (overview && generation === this.#generation) this.#channels = overview.channels;
    return report;
  }

  settings(): Promise<RelaySettings> {
    return this.#require().settings();
  }

  updateSettings(patch: Partial<RelaySettings>): Promise<RelaySettings> {
    return this.#require().updateSettings(patch);
  }

  openInVlc(url: string): Promise<void> {
    return this.#require().openInVlc(url);
  }

  #require(): RelayClient {
    if (!this.#client) throw new Error('Not connected to HLS Relay.');
    return this.#client;
  }

  #setSwitch(channelId: string, status: SwitchStatus): void {
    this.#switches = { ...this.#switches, [channelId]: status };
  }

  /**
   * A channel as the relay just answered it (added, edited, switched). Live updates still waiting to be
   * drawn are older than this answer and would undo it on screen (a switch, for a moment): the answer is
   * drawn again after them.
   */
  #merge(channel: ChannelSnapshot): void {
    this.#channels = upsertChannel(this.#channels, channel);
    if (this.#pending.length > 0) this.#pending.push({ type: 'channel', channel });
  }

  #follow(): void {
    const client = this.#client;
    if (!client || this.#unsubscribe) return;
    const generation = ++this.#generation;
    this.#liveChannels = false;
    this.#unsubscribe = client.subscribe((update) => {
      if (generation === this.#generation) this.#enqueue(update);
    });
    client.overview().then(
      (overview) => {
        if (generation !== this.#generation) return;
        this.#server = overview.server;
        if (!this.#liveChannels) this.#channels = overview.channels;
        this.#loaded = true;
        this.#loadError = null;
      },
      (error: unknown) => {
        if (generation === this.#generation) this.#loadError = describeError(error);
      },
    );
  }

  #unfollow(): void {
    this.#generation += 1;
    this.#unsubscribe?.();
    this.#unsubscribe = null;
    this.#pending = [];
    if (this.#flushTimer !== null) clearTimeout(this.#flushTimer);
    this.#flushTimer = null;
  }

  #enqueue(update: RelayUpdate): void {
    this.#pending.push(update);
    this.#flushTimer ??= setTimeout(() => this.#flush(), FLUSH_MS);
  }

  #flush(): void {
    const updates = this.#pending;
    this.#pending = [];
    this.#flushTimer = null;
    if (updates.some((update) => update.type === 'channels')) {
      this.#liveChannels = true;
      this.#loaded = true;
    }
    this.#channels = applyChannelUpdates(this.#channels, updates);
    this.#timelines = applyTimelineUpdates(this.#timelines, updates);
  }
}

export const relay = new RelayStore();

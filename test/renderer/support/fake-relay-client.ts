import type { ImportReport, ImportRequest } from '../../../src-main/shared/import-types.js';
import { DEFAULT_SETTINGS, type RelaySettings } from '../../../src-main/shared/lineup-types.js';
import type {
  ChannelInput,
  ChannelPatch,
  Overview,
  RelayClient,
  SwitchOutcome,
  SwitchRequest,
} from '../../../src-main/shared/relay-client.js';
import type {
  ChannelSnapshot,
  RelayUpdate,
  ServerInfo,
  SwitchReason,
  TimelineEvent,
} from '../../../src-main/shared/relay-types.js';
import { ClientError } from '../../../src-renderer/lib/client-error.js';
import { BASE_URL, makeChannel } from './fixtures.js';

export interface FakeRelayOptions {
  channels?: ChannelSnapshot[];
  server?: ServerInfo;
  settings?: RelaySettings;
  openInVlc?: boolean;
  timelines?: Record<string, TimelineEvent[]>;
  importReport?: ImportReport;
  /** Decides each switch; by default the requested source starts at once. */
  switcher?: (channelId: string, request: SwitchRequest) => Promise<SwitchOutcome>;
  /** Delays every answer, to look at "working…" states. */
  delayMs?: number;
}

export interface FakeCall {
  method: string;
  args: unknown[];
}

/** An in-memory relay behind the RelayClient interface, for tests of the window (never of the relay). */
export class FakeRelayClient implements RelayClient {
  readonly capabilities: { openInVlc: boolean };
  channels: ChannelSnapshot[];
  server: ServerInfo;
  currentSettings: RelaySettings;
  timelines: Record<string, TimelineEvent[]>;
  importReport: ImportReport;
  readonly calls: FakeCall[] = [];
  readonly #listeners = new Set<(update: RelayUpdate) => void>();
  readonly #switcher: FakeRelayOptions['switcher'];
  readonly #delayMs: number;

  constructor(options: FakeRelayOptions = {}) {
    this.capabilities = { openInVlc: options.openInVlc ?? false };
    this.channels = options.channels ?? [];
    this.server = options.server ?? {
      baseUrl: BASE_URL,
      playlistUrl: `${BASE_URL}/channels.m3u`,
      version: '0.1.0',
    };
    this.currentSettings = options.settings ?? { ...DEFAULT_SETTINGS };
    this.timelines = options.timelines ?? {};
    this.importReport = options.importReport ?? { entries: 0, channelsAdded: 0, channelsUpdated: 0, sourcesAdded: 0, skipped: [] };
    this.#switcher = options.switcher;
    this.#delayMs = options.delayMs ?? 0;
  }

  get listenerCount(): number {
    return this.#listeners.size;
  }

  callsOf(method: keyof RelayClient): unknown[][] {
    return this.calls.filter((call) => call.method === method).map((call) => call.args);
  }

  emit(update: RelayUpdate): void {
    for (const listener of this.#listeners) listener(update);
  }

  /** Puts a new snapshot of a channel in place and tells the subscribers. */
  replace(channel: ChannelSnapshot): ChannelSnapshot {
    this.channels = this.channels.map((candidate) => (candidate.id === channel.id ? channel : candidate));
    this.emit({ type: 'channel', channel });
    return channel;
  }

  /** What the relay does when a switch works: new active source, a lastSwitch, a timeline event. */
  applySwitch(channelId: string, sourceId: string, reason: SwitchReason = 'manual'): ChannelSnapshot {
    const channel = this.#find(channelId);
    const now = Date.now();
    const updated: ChannelSnapshot = {
      ...channel,
      state: 'playing',
      activeSourceId: sourceId,
      pinned: reason === 'manual',
      lastSwitch: { from: channel.activeSourceId, to: sourceId, reason, at: now, latencyMs: 800 },
    };
    const label = channel.sources.find((source) => source.id === sourceId)?.label ?? sourceId;
    const event: TimelineEvent = { at: now, kind: 'switch', message: `Switched to ${label}`, sourceId };
    (this.timelines[channelId] ??= []).push(event);
    this.emit({ type: 'timeline', channelId, event });
    return this.replace(updated);
  }

  async overview(): Promise<Overview> {
    await this.#answer('overview', []);
    return { server: this.server, channels: [...this.channels] };
  }

  subscribe(listener: (update: RelayUpdate) => void): () => void {
    this.calls.push({ method: 'subscribe', args: [] });
    this.#listeners.add(listener);
    queueMicrotask(() => {
      if (this.#listeners.has(listener)) listener({ type: 'channels', channels: [...this.channels] });
    });
    return () => this.#listeners.delete(listener);
  }

  async timeline(channelId: string): Promise<TimelineEvent[]> {
    await this.#answer('timeline', [channelId]);
    this.#find(channelId);
    return [...(this.timelines[channelId] ?? [])];
  }

  async switchSource(channelId: string, request: SwitchRequest): Promise<SwitchOutcome> {
    await this.#answer('switchSource', [channelId, request]);
    if (this.#switcher) return this.#switcher(channelId, request);
    const channel = this.#find(channelId);
    const target = request.target;
    let sourceId: string | undefined;
    if ('sourceId' in target) sourceId = target.sourceId;
    else if ('direction' in target) {
      const index = channel.sources.findIndex((source) => source.id === channel.activeSourceId);
      const step = target.direction === 'next' ? 1 : -1;
      sourceId = channel.sources.at((index + step) % channel.sources.length)?.id;
    }
    if (!sourceId || !channel.sources.some((source) => source.id === sourceId)) {
      throw new ClientError('source-not-found', `No source ${sourceId ?? ''}`);
    }
    if (sourceId === channel.activeSourceId) return { ok: true, switch: null, channel };
    const updated = this.applySwitch(channelId, sourceId);
    return { ok: true, switch: updated.lastSwitch, channel: updated };
  }

  async addChannel(input: ChannelInput): Promise<ChannelSnapshot> {
    await this.#answer('addChannel', [input]);
    if (input.name.trim() === '') throw new ClientError('bad-request', 'name is required');
    if (this.channels.some((channel) => channel.name === input.name)) {
      throw new ClientError('channel-exists', `channel ${input.name} exists`);
    }
    const id = input.id ?? input.name.toLowerCase().replace(/[^a-z0-9]+/g, '-');
    const channel = makeChannel({
      id,
      name: input.name,
      group: input.group ?? null,
      logo: input.logo ?? null,
      enabled: input.enabled ?? true,
      sources: input.sources.map((source, i) => ({ ...source, id: source.id ?? `s${i + 1}`, label: source.label ?? `Source ${i + 1}` })),
    });
    this.channels = [...this.channels, channel];
    this.emit({ type: 'channel', channel });
    return channel;
  }

  async updateChannel(channelId: string, patch: ChannelPatch): Promise<ChannelSnapshot> {
    await this.#answer('updateChannel', [channelId, patch]);
    const channel = this.#find(channelId);
    const updated: ChannelSnapshot = {
      ...channel,
      name: patch.name ?? channel.name,
      group: patch.group === undefined ? channel.group : patch.group,
      logo: patch.logo === undefined ? channel.logo : patch.logo,
      enabled: patch.enabled ?? channel.enabled,
      sources: patch.sources
        ? patch.sources.map((source, i) => ({ ...source, id: source.id ?? `s${i + 1}`, label: source.label ?? `Source ${i + 1}` }))
        : channel.sources,
    };
    return this.replace(updated);
  }

  async removeChannel(channelId: string): Promise<void> {
    await this.#answer('removeChannel', [channelId]);
    this.#find(channelId);
    this.channels = this.channels.filter((channel) => channel.id !== channelId);
    this.emit({ type: 'channel-removed', id: channelId });
  }

  async moveChannel(channelId: string, toIndex: number): Promise<void> {
    await this.#answer('moveChannel', [channelId, toIndex]);
    const channel = this.#find(channelId);
    const rest = this.channels.filter((candidate) => candidate.id !== channelId);
    rest.splice(toIndex, 0, channel);
    this.channels = rest;
    this.emit({ type: 'channels', channels: [...rest] });
  }

  async importM3u(request: ImportRequest): Promise<ImportReport> {
    await this.#answer('importM3u', [request]);
    if (request.text !== undefined && !request.text.trimStart().startsWith('#EXTM3U')) {
      throw new ClientError('import-invalid', 'missing #EXTM3U header');
    }
    return this.importReport;
  }

  async settings(): Promise<RelaySettings> {
    await this.#answer('settings', []);
    return { ...this.currentSettings };
  }

  async updateSettings(patch: Partial<RelaySettings>): Promise<RelaySettings> {
    await this.#answer('updateSettings', [patch]);
    this.currentSettings = { ...this.currentSettings, ...patch };
    return { ...this.currentSettings };
  }

  async openInVlc(url: string): Promise<void> {
    await this.#answer('openInVlc', [url]);
    if (!this.capabilities.openInVlc) throw new ClientError('method-not-allowed', 'desktop only');
  }

  #find(channelId: string): ChannelSnapshot {
    const channel = this.channels.find((candidate) => candidate.id === channelId);
    if (!channel) throw new ClientError('channel-not-found', `No channel ${channelId}`);
    return channel;
  }

  async #answer(method: string, args: unknown[]): Promise<void> {
    this.calls.push({ method, args });
    if (this.#delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.#delayMs));
  }
}

/** A promise with its resolve/reject exposed, to hold an answer until a test has looked at the UI. */
export function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (error: unknown) => void } {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

import type { ChannelConfig, SourceConfig } from '../../shared/lineup-types.js';
import type { SwitchTarget } from '../../shared/relay-client.js';
import type { ChannelSnapshot, ChannelState, LastError, SwitchInfo, SwitchReason, TimelineEvent, TimelineKind } from '../../shared/relay-types.js';
import { SegmentBuffer, type PlaylistWindow } from '../buffer/segment-buffer.js';
import type { StoredSegment } from '../buffer/stored-segment.js';
import { RelayError } from '../errors.js';
import { decryptAes128 } from '../media/aes-128.js';
import { markSplice, transportInitSection } from '../media/ts-packets.js';
import type { Logger } from '../logger.js';
import type { Clock } from '../time.js';
import { retryDelay } from '../upstream/backoff.js';
import type { UpstreamClient } from '../upstream/upstream-client.js';
import type { ChannelTuning } from './channel-tuning.js';
import { channelHealth, sumSeconds } from './channel-health.js';
import { ClientTracker } from './client-tracker.js';
import { failoverReason, shouldFailBack, stallReason, type TriggerReason } from './failover-policy.js';
import { FailoverRounds } from './failover-rounds.js';
import { HealthStats } from './health-stats.js';
import { createPreferredSourceProbe, type PreferredSourceProbe } from './preferred-source-probe.js';
import type { ProviderLease, ProviderLimiter } from './provider-limiter.js';
import { ResourceStore } from './resource-store.js';
import { createRequestGate, type RequestGate } from './request-gate.js';
import { resolveSwitchTarget, sourceLabel } from './resolve-switch-target.js';
import { startSourceFollower, type FetchedSegment, type FollowerListener } from './source-follower.js';
import { SourceSession } from './source-session.js';
import { Timeline } from './timeline.js';

export interface ChannelDeps {
  client: UpstreamClient;
  clock: Clock;
  logger: Logger;
  providers: ProviderLimiter;
  tuning: ChannelTuning;
}

/** What a channel tells the relay. */
export interface ChannelListener {
  /** Something a snapshot shows changed (state, a stored segment, a switch). */
  changed(channel: Channel): void;
  timeline(channel: Channel, event: TimelineEvent): void;
  /** The saved form changed (active source, pin, a source added by URL): the lineup must be saved. */
  configChanged(channel: Channel): void;
}

export type ChannelSwitchResult =
  | { ok: true; switch: SwitchInfo | null }
  | { ok: false; code: RelayError['code']; message: string };

interface PendingSwitch {
  session: SourceSession;
  reason: SwitchReason;
  pin: boolean;
  requestedAt: number;
  timer: NodeJS.Timeout;
  waiters: ((result: ChannelSwitchResult) => void)[];
  /** The source left before the splice: it had delivered nothing, or its provider allowed no extra connection. */
  replaced: SourceConfig | null;
}

const TICK_MS = 250;
const DEFAULT_TARGET_SEC = 6;

/**
 * A relayed channel: follows its active source, stores segments under continuous sequence numbers,
 * switches make-before-break, fails over and back, starts when watched and stops when nobody watches.
 */
export class Channel {
  #config: ChannelConfig;
  readonly #deps: ChannelDeps;
  readonly #listener: ChannelListener;
  readonly #buffer: SegmentBuffer;
  readonly #gate: RequestGate;
  readonly #timeline: Timeline;
  readonly #clients = new ClientTracker();
  readonly #health = new HealthStats();
  readonly #resources = new ResourceStore();
  readonly #rounds = new FailoverRounds();
  readonly #segmentListeners = new Set<(segment: StoredSegment) => void>();
  readonly #changeWaiters = new Set<() => void>();

  #running = false;
  #destroyed = false;
  #active: SourceSession | null = null;
  #pending: PendingSwitch | null = null;
  #startedAt = 0;
  #storedSinceStart = 0;
  #tick: NodeJS.Timeout | null = null;
  #stall: TriggerReason | null = null;
  #failing: string | null = null;
  #lastSwitch: SwitchInfo | null = null;
  #lastSwitchAt = 0;
  #lastError: LastError | null = null;
  #errorCount = 0;
  #bytesServed = 0;
  #lastState: ChannelState = 'idle';
  #probe: PreferredSourceProbe | null = null;

  constructor(config: ChannelConfig, deps: ChannelDeps, listener: ChannelListener) {
    this.#config = config;
    this.#deps = deps;
    this.#listener = listener;
    this.#buffer = new SegmentBuffer({
      capacity: deps.tuning.bufferSegments,
      maxBytes: deps.tuning.maxBufferBytes,
      windowSegments: deps.tuning.windowSegments,
    });
    this.#gate = createRequestGate(deps.tuning.requestGapMs, deps.clock);
    this.#timeline = new Timeline(deps.tuning.timelineSize);
    this.#lastState = config.enabled ? 'idle' : 'stopped';
  }

  get id(): string {
    return this.#config.id;
  }

  get config(): ChannelConfig {
    return this.#config;
  }

  get running(): boolean {
    return this.#running;
  }

  // ---- serving -------------------------------------------------------------------------------------

  /** A player asked for something: counts it as watching and starts the channel if it is idle. */
  noteClient(clientKey: string): void {
    const now = this.#deps.clock.now();
    if (this.#clients.seen(clientKey, now)) this.#record('client-join', `A player joined (${clientKey})`);
    this.#ensureRunning();
  }

  /** A long-lived client (continuous TS); the returned function ends it. */
  openClient(clientKey: string): () => void {
    const now = this.#deps.clock.now();
    const isNew = this.#clients.seen(clientKey, now);
    const close = this.#clients.open(clientKey, now);
    if (isNew) this.#record('client-join', `A player joined (${clientKey})`);
    this.#ensureRunning();
    return close;
  }

  /** A player too slow to keep up was disconnected rather than buffered without bound. */
  noteDropped(clientKey: string, why: string): void {
    this.#record('client-leave', `A player was too slow and was disconnected (${clientKey}: ${why})`);
  }

  noteServed(bytes: number): void {
    this.#bytesServed += bytes;
  }

  /**
   * The window for a playlist request. Right after a start it waits for the initial segments (up to about
   * two target durations) instead of answering with nothing: VLC gives up on a first 404.
   */
  async playlistWindow(signal: AbortSignal): Promise<PlaylistWindow | null> {
    const { clock, tuning } = this.#deps;
    // Nothing being fetched (every source at its provider's limit), or a lone source failing again and
    // again: waiting would not help.
    while (!signal.aborted && this.#running && !this.#isReady() && (this.#active || this.#pending) && !this.#hopeless()) {
      const target = this.#active?.targetDuration ?? DEFAULT_TARGET_SEC;
      const deadline = this.#startedAt + tuning.firstPlaylistWaitTargetDurations * target * 1000;
      const remaining = deadline - clock.now();
      if (remaining <= 0) break;
      await this.#nextChange(Math.min(remaining, TICK_MS), signal);
    }
    const window = this.#buffer.window();
    return window.segments.length > 0 ? window : null;
  }

  segment(seq: number): StoredSegment | undefined {
    return this.#buffer.get(seq, this.#deps.clock.now());
  }

  /** The live edge: the newest stored segment. */
  newestSegment(): StoredSegment | undefined {
    return this.#buffer.newest();
  }

  /** An init section or key by its relay id. */
  resource(id: number): Buffer | undefined {
    return this.#resources.get(id);
  }

  /** Calls `listener` with every segment stored from now on, in order (continuous TS output). */
  onSegment(listener: (segment: StoredSegment) => void): () => void {
    this.#segmentListeners.add(listener);
    return () => this.#segmentListeners.delete(listener);
  }

  timelineEvents(): TimelineEvent[] {
    return this.#timeline.list();
  }

  // ---- configuration --------------------------------------------------------------------------------

  /** Applies an edited configuration: a removed active source or a disabled channel take effect at once. */
  updateConfig(config: ChannelConfig): void {
    const previousActive = this.#activeSource();
    this.#config = config;
    if (!config.enabled) {
      if (this.#running) this.stop('the channel was disabled');
      this.#emitChanged();
      return;
    }
    const stillThere = previousActive && config.sources.some((source) => source.id === previousActive.id && source.url === previousActive.url);
    if (this.#running && this.#active && !stillThere) {
      const next = this.#activeSource();
      if (next) void this.switchTo({ sourceId: next.id }, { reason: 'manual', pin: false });
      else this.stop('the channel has no sources');
    }
    this.#emitChanged();
  }

  // ---- switching ------------------------------------------------------------------------------------

  /**
   * Switches the channel's source. While playing it is make-before-break: the old source keeps feeding the
   * playlist until the new one has a checked segment; if the new one fails, the old one stays.
   */
  switchTo(target: SwitchTarget, options: { reason: SwitchReason; pin: boolean }): Promise<ChannelSwitchResult> {
    const resolved = resolveSwitchTarget(this.#config, this.#activeSource()?.id ?? null, target);
    if (!resolved.ok) return Promise.resolve(resolved);
    // A new URL joins the channel's sources only once it plays (see #setActive).
    const source = resolved.source;
    const current = this.#activeSource();
    if (!this.#running) {
      this.#setActive(source, options.pin);
      this.#emitChanged();
      return Promise.resolve({ ok: true, switch: null });
    }
    if (this.#pending?.session.source.id === source.id) {
      return new Promise((resolve) => this.#pending!.waiters.push(resolve));
    }
    if (current?.id === source.id && this.#active) {
      this.#abandonPending({ ok: false, code: 'switch-superseded', message: `Staying on ${sourceLabel(source)}` });
      this.#setActive(source, options.pin);
      this.#emitChanged();
      return Promise.resolve({ ok: true, switch: null });
    }
    return this.#beginSwitch(source, options.reason, options.pin);
  }

  #beginSwitch(source: SourceConfig, reason: SwitchReason, pin: boolean): Promise<ChannelSwitchResult> {
    const { clock, providers, tuning } = this.#deps;
    const superseded = this.#pending;
    if (superseded) this.#abandonPending({ ok: false, code: 'switch-superseded', message: `Replaced by a switch to ${sourceLabel(source)}` });
    let replaced: SourceConfig | null = null;
    // Nothing stored yet from the active source: there is nothing to keep playing, so replace it outright.
    if (this.#active && this.#active.segments === 0) {
      replaced = this.#active.source;
      this.#endSession(this.#active);
    }
    let lease = providers.tryAcquire(source);
    if (!lease && this.#active && providers.sameProvider(this.#active.source, source)) {
      // The provider allows no extra connection: break-before-make.
      replaced = this.#active.source;
      this.#endSession(this.#active);
      lease = providers.tryAcquire(source);
    }
    if (!lease) {
      const message = `${sourceLabel(source)}: the provider's connection limit is reached`;
      this.#record('switch-failed', message, source.id, 'provider-limit');
      return Promise.resolve({ ok: false, code: 'provider-limit', message });
    }
    return new Promise((resolve) => {
      const session = this.#startSession(source, lease, 1, 'candidate');
      const timer = setTimeout(() => {
        this.#failPending(new RelayError('switch-failed', `no playable segment from ${sourceLabel(source)} within ${tuning.switchTimeoutMs / 1000} s`));
      }, tuning.switchTimeoutMs);
      this.#pending = { session, reason, pin, requestedAt: clock.now(), timer, waiters: [resolve], replaced };
      this.#logSwitchStart(source, reason);
      this.#emitChanged();
    });
  }

  #logSwitchStart(source: SourceConfig, reason: SwitchReason): void {
    this.#deps.logger.info(`Channel ${this.id}: switching to ${sourceLabel(source)} (${reason})`);
  }

  /** The candidate delivered its first checked segment: splice it in after the old source. */
  #splice(pending: PendingSwitch, segment: FetchedSegment): void {
    const { clock } = this.#deps;
    clearTimeout(pending.timer);
    this.#pending = null;
    const previous = this.#active;
    if (previous) this.#endSession(previous);
    this.#active = pending.session;
    this.#health.resetRates();
    this.#setActive(pending.session.source, pending.pin);
    this.#store(pending.session, segment);
    const now = clock.now();
    const info: SwitchInfo = {
      from: previous?.source.id ?? pending.replaced?.id ?? null,
      to: pending.session.source.id,
      reason: pending.reason,
      at: now,
      latencyMs: now - pending.requestedAt,
    };
    this.#lastSwitch = info;
    this.#lastSwitchAt = now;
    this.#failing = null;
    this.#rounds.reset();
    const kind: TimelineKind = pending.reason === 'manual' ? 'switch' : pending.reason;
    this.#record(kind, `Now playing ${sourceLabel(pending.session.source)} (${pending.reason}, ${info.latencyMs} ms)`, info.to);
    for (const resolve of pending.waiters) resolve({ ok: true, switch: info });
    this.#emitChanged();
  }

  #failPending(error: RelayError): void {
    const pending = this.#pending;
    if (!pending) return;
    const source = pending.session.source;
    this.#record('switch-failed', `Could not switch to ${sourceLabel(source)}: ${error.message}`, source.id, error.code);
    this.#abandonPending({ ok: false, code: 'switch-failed', message: error.message });
    if (pending.reason !== 'manual') this.#rounds.markFailed(source.id);
    // A break-before-make switch (or one made before anything played) left no source running: resume.
    if (!this.#active && this.#running) this.#startActive();
    this.#evaluate();
    this.#emitChanged();
  }

  #abandonPending(result: ChannelSwitchResult): void {
    const pending = this.#pending;
    if (!pending) return;
    clearTimeout(pending.timer);
    this.#pending = null;
    this.#endSession(pending.session);
    for (const resolve of pending.waiters) resolve(result);
  }

  // ---- lifecycle ------------------------------------------------------------------------------------

  #ensureRunning(): void {
    if (this.#running || this.#destroyed || !this.#config.enabled) return;
    const { clock } = this.#deps;
    this.#running = true;
    this.#startedAt = clock.now();
    this.#storedSinceStart = 0;
    this.#stall = null;
    this.#failing = null;
    this.#rounds.reset();
    this.#tick = setInterval(() => this.#onTick(), TICK_MS);
    this.#record('start', 'A player asked for the channel: fetching started');
    this.#startActive();
    this.#emitChanged();
  }

  /** Starts following the chosen source, or the first one whose provider has a free connection. */
  #startActive(): void {
    const { providers, tuning } = this.#deps;
    const preferred = this.#activeSource();
    if (!preferred) {
      this.#failing = 'the channel has no sources';
      return;
    }
    const order = [preferred, ...this.#config.sources.filter((source) => source.id !== preferred.id)];
    for (const source of order) {
      const lease = providers.tryAcquire(source);
      if (!lease) continue;
      if (source.id !== preferred.id) this.#setActive(source, false);
      this.#active = this.#startSession(source, lease, tuning.liveEdgeSegments, 'active');
      this.#failing = null;
      return;
    }
    this.#failing = 'every source is at its provider connection limit';
  }

  /** Stops fetching (idle, disabled); the buffer is emptied and the sequence numbers go on. */
  stop(reason: string): void {
    if (!this.#running) return;
    this.#running = false;
    this.#abandonPending({ ok: false, code: 'aborted', message: `The channel stopped: ${reason}` });
    if (this.#active) this.#endSession(this.#active);
    this.#active = null;
    this.#probe?.stop();
    this.#probe = null;
    if (this.#tick) clearInterval(this.#tick);
    this.#tick = null;
    this.#buffer.clear();
    this.#health.resetRates();
    this.#stall = null;
    this.#failing = null;
    this.#record('stop', `Fetching stopped: ${reason}`);
    this.#emitChanged();
    this.#wakeWaiters();
  }

  async destroy(): Promise<void> {
    const sessions = [this.#active, this.#pending?.session].filter((s): s is SourceSession => s !== null && s !== undefined);
    this.stop('the relay is shutting down');
    this.#destroyed = true;
    this.#segmentListeners.clear();
    await Promise.all(sessions.map((session) => session.follower.done));
  }

  // ---- sessions -------------------------------------------------------------------------------------

  #startSession(source: SourceConfig, lease: ProviderLease, liveEdge: number, role: 'active' | 'candidate'): SourceSession {
    const { client, clock, logger, tuning } = this.#deps;
    const variant = source.variant ?? this.#config.variant;
    logger.debug(`Channel ${this.id}: following ${sourceLabel(source)} as ${role}`);
    return new SourceSession(source, lease, clock.now(), (session) =>
      startSourceFollower(
        {
          // The channel's variant preference applies to sources without their own.
          source: variant ? { ...source, variant } : source,
          userAgent: tuning.userAgent,
          liveEdge,
          backoff: tuning.backoff,
          segmentAttempts: tuning.segmentAttempts,
        },
        { client, gate: this.#gate, clock, logger },
        this.#followerListener(session),
      ),
    );
  }

  #endSession(session: SourceSession): void {
    session.end();
    if (this.#active === session) this.#active = null;
  }

  #isCurrent(session: SourceSession): boolean {
    return session === this.#active || session === this.#pending?.session;
  }

  #followerListener(session: SourceSession): FollowerListener {
    return {
      playlist: (info) => {
        if (!this.#isCurrent(session)) return;
        session.targetDuration = info.targetDuration;
        session.declaredBandwidth = info.variant?.bandwidth ?? null;
        session.initialBatch ??= Math.min(this.#deps.tuning.liveEdgeSegments, info.segmentCount);
      },
      segment: (segment) => {
        if (session === this.#pending?.session) this.#splice(this.#pending, segment);
        else if (session === this.#active) this.#store(session, segment);
      },
      skipped: (_msn, error) => {
        if (!this.#isCurrent(session)) return;
        if (error.code === 'segment-invalid') session.invalidStreak += 1;
        this.#noteError(session, error, 'segment-invalid');
        if (session === this.#pending?.session) this.#failPending(error);
        else this.#evaluate();
      },
      failure: (error, failures, retryInMs) => {
        if (!this.#isCurrent(session)) return;
        this.#noteError(session, error, 'error');
        if (session === this.#pending?.session) {
          this.#failPending(error);
          return;
        }
        if (failures > 1) this.#record('backoff', `Retrying ${sourceLabel(session.source)} in ${(retryInMs / 1000).toFixed(1)} s`, session.source.id, error.code);
        this.#evaluate();
        this.#emitChanged();
      },
      recovered: () => {
        if (!this.#isCurrent(session)) return;
        session.lastError = null;
        this.#record('recovered', `${sourceLabel(session.source)} answers again`, session.source.id);
        this.#emitChanged();
      },
      ended: () => {
        if (!this.#isCurrent(session)) return;
        session.ended = true;
        this.#record('source-ended', `${sourceLabel(session.source)} ended its stream`, session.source.id, 'playlist-ended');
        if (session === this.#pending?.session) this.#failPending(new RelayError('playlist-ended', 'the source ended its stream'));
        else this.#evaluate();
      },
    };
  }

  #noteError(session: SourceSession, error: RelayError, kind: TimelineKind): void {
    session.lastError = error;
    this.#errorCount += 1;
    this.#lastError = { code: error.code, message: error.message, at: this.#deps.clock.now(), sourceId: session.source.id };
    this.#record(kind, error.message, session.source.id, error.code);
  }

  #store(session: SourceSession, segment: FetchedSegment): void {
    const now = this.#deps.clock.now();
    const seconds = segment.upstream.duration;
    // A new source's first segment starts a new run; the channel's very first one has nothing before it.
    const newRun = this.#buffer.hasHistory && (segment.discontinuity || session.segments === 0);
    const spliced = newRun ? spliceSegment(segment) : { bytes: segment.bytes, key: segment.key };
    const stored = this.#buffer.append(
      {
        bytes: spliced.bytes,
        duration: seconds,
        discontinuity: newRun,
        ...(segment.upstream.programDateTime !== undefined ? { programDateTime: segment.upstream.programDateTime } : {}),
        container: segment.container,
        sourceId: session.source.id,
        upstreamMsn: segment.upstream.msn,
        storedAt: now,
        downloadMs: segment.downloadMs,
        ...this.#initFor(session, segment),
        ...(spliced.key && segment.upstream.key
          ? {
              encryption: {
                method: segment.upstream.key.method,
                keyId: this.#resources.idFor(spliced.key.uri, spliced.key.bytes),
                iv: spliced.key.iv,
              },
            }
          : {}),
      },
      now,
    );
    session.recordStored(segment.bytes.length, seconds, now);
    this.#storedSinceStart += 1;
    const window = this.#buffer.window();
    this.#health.record({
      at: now,
      bytes: segment.bytes.length,
      durationSec: seconds,
      downloadMs: segment.downloadMs,
      bufferedSeconds: sumSeconds(window.segments),
    });
    if (this.#stall) {
      this.#record('recovered', `${sourceLabel(session.source)} delivers segments again`, session.source.id);
      this.#stall = null;
    }
    // The active source delivers again: an automatic failover in preparation is no longer needed.
    if (this.#pending && this.#pending.reason !== 'manual') {
      this.#abandonPending({ ok: false, code: 'switch-superseded', message: 'the active source recovered' });
    }
    this.#failing = null;
    this.#rounds.reset();
    for (const listener of this.#segmentListeners) listener(stored);
    this.#emitChanged();
    this.#wakeWaiters();
  }

  /**
   * The init section a segment is listed with: its fMP4 one, or for TS while fMP4 segments are listed its
   * PAT/PMT — an EXT-X-MAP stays in effect across discontinuities (RFC 8216 §4.3.2.5) until the next one.
   */
  #initFor(session: SourceSession, segment: FetchedSegment): { initId?: number } {
    if (segment.init) return { initId: this.#resources.idFor(segment.init.uri, segment.init.bytes) };
    if (segment.container !== 'ts' || segment.key || !this.#buffer.window().segments.some((listed) => listed.container === 'fmp4')) return {};
    const init = transportInitSection(segment.bytes);
    return init ? { initId: this.#resources.idFor(`ts-init:${session.source.id}`, init) } : {};
  }

  // ---- health, stall, failover, failback, idle -------------------------------------------------------

  #onTick(): void {
    const { clock, tuning } = this.#deps;
    const now = clock.now();
    const target = this.#targetDuration();
    for (const key of this.#clients.expire(now, Math.max(10_000, 3 * target * 1000))) {
      this.#record('client-leave', `A player left (${key})`);
    }
    if (now - Math.max(this.#clients.lastActivity(now), this.#startedAt) > tuning.idleTimeoutMs) {
      this.stop(`no player for ${Math.round(tuning.idleTimeoutMs / 1000)} s`);
      return;
    }
    if (!this.#active && !this.#pending) this.#startActive();
    this.#evaluate();
    this.#updateProbe();
    this.#emitIfStateChanged();
  }

  /** Updates the stall state and fails over when the active source is no longer good enough. */
  #evaluate(): void {
    const active = this.#active;
    if (!this.#running || !active) return;
    const { clock, tuning } = this.#deps;
    const slowRatio = this.#health.recentCount() >= tuning.slowSegments ? this.#health.downloadRatio(tuning.slowSegments) : null;
    const facts = active.facts(clock.now(), this.#targetDuration(), slowRatio);
    const stall = active.segments > 0 || this.#storedSinceStart > 0 ? stallReason(facts, tuning) : null;
    if (stall && !this.#stall) this.#record('stall', `Stalled: ${stall.message}`, active.source.id, stall.code);
    this.#stall = stall;
    if (this.#pending || this.#config.sources.length < 2) {
      if (active.ended && this.#config.sources.length < 2) this.#restartEnded(active);
      return;
    }
    const reason = failoverReason(facts, tuning);
    if (!reason || !this.#rounds.ready(clock.now())) return;
    this.#rounds.markFailed(active.source.id);
    const next = this.#rounds.next(this.#config.sources, active.source);
    if (!next) {
      const wait = this.#rounds.exhaust(clock.now(), tuning.backoff, active.source);
      this.#failing = `every source failed; trying again in ${Math.round(wait / 1000)} s`;
      this.#record('error', `All sources failed (${reason.message}); retrying in ${(wait / 1000).toFixed(1)} s`, active.source.id, reason.code);
      return;
    }
    this.#record('failover', `Leaving ${sourceLabel(active.source)}: ${reason.message}`, active.source.id, reason.code);
    void this.#beginSwitch(next, 'failover', false);
  }

  /** A single source that ended: follow it again after a backoff, in case it comes back. */
  #restartEnded(session: SourceSession): void {
    const wait = retryDelay(1, this.#deps.tuning.backoff);
    if (this.#deps.clock.now() - session.lastProgressAt < wait) return;
    this.#endSession(session);
    const lease = this.#deps.providers.tryAcquire(session.source);
    if (lease) this.#active = this.#startSession(session.source, lease, 1, 'active');
  }

  /** Probes the preferred source while another one plays, and returns to it once it is healthy. */
  #updateProbe(): void {
    const preferred = this.#config.sources[0];
    const active = this.#active;
    const wanted = Boolean(this.#running && preferred && active && active.source.id !== preferred.id && !this.#config.pinned && !this.#pending);
    if (!wanted) {
      this.#probe?.stop();
      this.#probe = null;
      return;
    }
    if (!this.#probe || this.#probe.sourceId !== preferred!.id) {
      this.#probe?.stop();
      const { client, clock, providers, tuning } = this.#deps;
      this.#probe = createPreferredSourceProbe(preferred!, { client, clock, providers, userAgent: tuning.userAgent, intervalMs: Math.max(2000, 2 * this.#targetDuration() * 1000) });
    }
    const now = this.#deps.clock.now();
    if (shouldFailBack({ now, preferredHealthySince: this.#probe.healthySince, lastSwitchAt: this.#lastSwitchAt, pinned: Boolean(this.#config.pinned), tuning: this.#deps.tuning })) {
      this.#probe.stop();
      this.#probe = null;
      void this.#beginSwitch(preferred!, 'failback', false);
    }
  }

  // ---- snapshot -------------------------------------------------------------------------------------

  #activeSource(): SourceConfig | undefined {
    const sources = this.#config.sources;
    return sources.find((source) => source.id === this.#config.activeSourceId) ?? sources[0];
  }

  #setActive(source: SourceConfig, pin: boolean): void {
    const known = this.#config.sources.some((candidate) => candidate.id === source.id);
    const changed = !known || this.#config.activeSourceId !== source.id || Boolean(this.#config.pinned) !== pin;
    const sources = known ? this.#config.sources : [...this.#config.sources, source];
    this.#config = { ...this.#config, sources, activeSourceId: source.id, pinned: pin };
    if (changed) this.#listener.configChanged(this);
  }

  #targetDuration(): number {
    return this.#buffer.window().targetDuration || this.#active?.targetDuration || DEFAULT_TARGET_SEC;
  }

  #hopeless(): boolean {
    return this.#config.sources.length < 2 && (this.#active?.follower.failures ?? 0) >= 2;
  }

  #isReady(): boolean {
    const batch = this.#active?.initialBatch ?? this.#deps.tuning.liveEdgeSegments;
    return this.#storedSinceStart >= Math.max(1, batch);
  }

  #state(): { state: ChannelState; reason: string | null } {
    if (this.#destroyed) return { state: 'stopped', reason: 'the relay is shutting down' };
    if (!this.#config.enabled) return { state: 'stopped', reason: 'disabled' };
    if (!this.#running) return { state: 'idle', reason: null };
    if (this.#failing) return { state: 'failing', reason: this.#failing };
    if (this.#pending) return { state: 'switching', reason: `to ${sourceLabel(this.#pending.session.source)}` };
    const active = this.#active;
    if (active && active.follower.failures > 0) return { state: 'retrying', reason: active.lastError?.message ?? null };
    if (this.#stall) return { state: 'stalled', reason: this.#stall.message };
    if (this.#storedSinceStart === 0) return { state: 'starting', reason: null };
    return { state: 'playing', reason: null };
  }

  snapshot(): ChannelSnapshot {
    const window = this.#buffer.window();
    const { state, reason } = this.#state();
    const active = this.#activeSource();
    return {
      id: this.#config.id,
      name: this.#config.name,
      group: this.#config.group ?? null,
      logo: this.#config.logo ?? null,
      enabled: this.#config.enabled,
      state,
      stateReason: reason,
      activeSourceId: active?.id ?? null,
      pinned: Boolean(this.#config.pinned),
      sources: this.#config.sources.map((source, index) => ({ ...source, label: source.label ?? sourceLabel(source, index) })),
      health: channelHealth({
        window,
        newest: this.#buffer.newest(),
        stats: this.#health,
        windowSegments: this.#deps.tuning.windowSegments,
        errorCount: this.#errorCount,
        lastError: this.#lastError,
        clients: this.#clients.count,
        bytesServed: this.#bytesServed,
      }),
      lastSwitch: this.#lastSwitch,
      streamPath: `/stream/${encodeURIComponent(this.#config.id)}`,
    };
  }

  // ---- events ---------------------------------------------------------------------------------------

  #record(kind: TimelineKind, message: string, sourceId?: string, code?: RelayError['code']): void {
    const event: TimelineEvent = {
      at: this.#deps.clock.now(),
      kind,
      message,
      ...(sourceId !== undefined ? { sourceId } : {}),
      ...(code !== undefined ? { code } : {}),
    };
    this.#timeline.add(event);
    this.#listener.timeline(this, event);
  }

  #emitChanged(): void {
    this.#lastState = this.#state().state;
    this.#listener.changed(this);
  }

  #emitIfStateChanged(): void {
    if (this.#state().state !== this.#lastState) this.#emitChanged();
  }

  #nextChange(timeoutMs: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#changeWaiters.delete(done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.#changeWaiters.add(done);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  #wakeWaiters(): void {
    for (const wake of [...this.#changeWaiters]) wake();
  }
}

/**
 * A new run's first segment, made to start cleanly in players that act on the bytes rather than on
 * #EXT-X-DISCONTINUITY: TS gets the discontinuity indicator (ffmpeg, the continuous TS output); fMP4 gets
 * its init section in front — VLC 3 restarts its demuxer at a discontinuity without fetching EXT-X-MAP
 * again and cannot open bare fragments (ffmpeg and hls.js take an init section inside a segment as is).
 * An AES-128 fMP4 segment is stored decrypted for that (its key is the relay's to use); encrypted TS and
 * SAMPLE-AES stay as they are.
 */
function spliceSegment(segment: FetchedSegment): { bytes: Buffer; key?: FetchedSegment['key'] } {
  const { key, init } = segment;
  if (segment.container === 'fmp4' && init) {
    if (!key) return { bytes: Buffer.concat([init.bytes, segment.bytes]) };
    if (segment.upstream.key?.method === 'AES-128') return { bytes: Buffer.concat([init.bytes, decryptAes128(segment.bytes, key.bytes, key.iv)]) };
  }
  if (segment.container === 'ts' && !key) return { bytes: markSplice(segment.bytes) };
  return { bytes: segment.bytes, ...(key ? { key } : {}) };
}

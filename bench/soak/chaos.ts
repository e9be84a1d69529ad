import type { KillMode } from '../../src-main/demo/live-origin.js';
import type { SwitchOutcome } from '../../src-main/shared/relay-client.js';
import type { RelayStack } from '../lib/relay-stack.js';

export interface ChaosCounts {
  switchesOk: number;
  /** Manual switches the relay refused (the target was down): 502, the channel stays where it was. */
  switchesFailed: number;
  outages: number;
  stalls: number;
}

export interface Chaos {
  readonly counts: ChaosCounts;
  /** One disturbance: a manual switch (half the time), an outage or a stall of a source. */
  disturb(): void;
  /** Cancels pending revivals, brings every source back and waits for switches in flight. */
  stop(): Promise<void>;
}

const OUTAGE_MS = [2000, 4000] as const;
const STALL_MS = 3500;
/** Sources down or stalled at once; every channel has three, so each keeps one. */
const MAX_DISTURBED = 2;

/** Disturbances for a soak, drawn from `random` so a seed repeats a run. */
export function createChaos(stack: RelayStack, channelIds: readonly string[], sourceIds: readonly string[], random: () => number): Chaos {
  const counts: ChaosCounts = { switchesOk: 0, switchesFailed: 0, outages: 0, stalls: 0 };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const disturbed = new Set<string>();
  const timers = new Set<NodeJS.Timeout>();
  const inFlight = new Set<Promise<void>>();

  const later = (ms: number, action: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      action();
    }, ms);
    timers.add(timer);
  };

  const switchSomeChannel = () => {
    const channelId = pick(channelIds);
    const snapshot = stack.relay.channel(channelId)!.snapshot();
    const target = pick(snapshot.sources.filter((source) => source.id !== snapshot.activeSourceId)).id;
    const switched: Promise<void> = stack
      .api<SwitchOutcome>('POST', `/api/channels/${channelId}/switch`, { sourceId: target, pin: random() < 0.5 })
      .then(({ json }) => {
        if (json.ok) counts.switchesOk += 1;
        else counts.switchesFailed += 1;
      })
      .catch(() => {
        counts.switchesFailed += 1;
      })
      .finally(() => inFlight.delete(switched));
    inFlight.add(switched);
  };

  /** A source some channel plays, when there is one that is not disturbed yet. */
  const victim = () => {
    const playing = new Set(channelIds.map((id) => stack.relay.channel(id)?.snapshot().activeSourceId));
    const candidates = sourceIds.filter((id) => !disturbed.has(id));
    const preferred = candidates.filter((id) => playing.has(id));
    return pick(preferred.length > 0 ? preferred : candidates);
  };

  return {
    counts,
    disturb() {
      const roll = random();
      if (roll < 0.5) {
        switchSomeChannel();
        return;
      }
      if (disturbed.size >= MAX_DISTURBED) return;
      const sourceId = victim();
      disturbed.add(sourceId);
      if (roll < 0.8) {
        const mode: KillMode = counts.outages % 2 === 0 ? 'reset' : 'unavailable';
        counts.outages += 1;
        stack.origin.kill(sourceId, mode);
        later(OUTAGE_MS[0] + random() * (OUTAGE_MS[1] - OUTAGE_MS[0]), () => {
          stack.origin.revive(sourceId);
          disturbed.delete(sourceId);
        });
      } else {
        counts.stalls += 1;
        stack.origin.pause(sourceId);
        later(STALL_MS, () => {
          stack.origin.resume(sourceId);
          disturbed.delete(sourceId);
        });
      }
    },
    async stop() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      for (const id of sourceIds) {
        stack.origin.revive(id);
        stack.origin.resume(id);
      }
      disturbed.clear();
      await Promise.all(inFlight);
    },
  };
}

/** A small seeded PRNG (mulberry32): the same seed gives the same disturbances. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

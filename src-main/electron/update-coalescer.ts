import type { RelayUpdate } from '../shared/relay-types.js';
import { createThrottle, systemTimers, type Timers } from './throttle.js';

export interface UpdateCoalescer {
  push(update: RelayUpdate): void;
  destroy(): void;
}

export interface UpdateCoalescerOptions {
  /** 250 ms: at most four snapshots of a channel per second reach the window. */
  intervalMs?: number;
  /** Timeline events kept while waiting; the oldest go first when a burst exceeds it. */
  maxPendingEvents?: number;
  timers?: Timers;
}

/**
 * Forwards relay updates to `send`, coalescing snapshots: within one interval only the newest snapshot of
 * each channel survives, and a full 'channels' list supersedes every older snapshot. Timeline events are
 * events, not state, so each one is delivered (in order) unless a burst overflows the bound.
 */
export function createUpdateCoalescer(
  send: (update: RelayUpdate) => void,
  options: UpdateCoalescerOptions = {},
): UpdateCoalescer {
  const { intervalMs = 250, maxPendingEvents = 200, timers = systemTimers } = options;
  // Insertion order is delivery order; a key is a channel's latest state or one timeline event.
  const pending = new Map<string, RelayUpdate>();
  let eventSequence = 0;
  let pendingEvents = 0;

  const flush = () => {
    const batch = [...pending.values()];
    pending.clear();
    pendingEvents = 0;
    for (const update of batch) send(update);
  };
  const throttle = createThrottle(flush, intervalMs, timers);

  const queue = (key: string, update: RelayUpdate) => {
    pending.delete(key);
    pending.set(key, update);
  };

  return {
    push(update) {
      switch (update.type) {
        case 'channels':
          for (const key of [...pending.keys()]) if (key.startsWith('channel:')) pending.delete(key);
          queue('channels', update);
          break;
        case 'channel':
          queue(`channel:${update.channel.id}`, update);
          break;
        case 'channel-removed':
          queue(`channel:${update.id}`, update);
          break;
        case 'timeline':
          if (pendingEvents >= maxPendingEvents) {
            const oldest = [...pending.keys()].find((key) => key.startsWith('event:'));
            if (oldest !== undefined) pending.delete(oldest);
          } else {
            pendingEvents += 1;
          }
          eventSequence += 1;
          queue(`event:${eventSequence}`, update);
          break;
      }
      throttle.request();
    },
    destroy() {
      throttle.cancel();
      pending.clear();
    },
  };
}

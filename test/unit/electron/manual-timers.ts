import type { Timers } from '../../../src-main/electron/throttle.js';

/** A clock that only moves when told to, with the timers due by then run in order. */
export function manualTimers() {
  let now = 0;
  let nextId = 1;
  const due = new Map<number, { at: number; callback: () => void }>();
  const timers: Timers = {
    now: () => now,
    setTimeout(callback, ms) {
      const id = nextId++;
      due.set(id, { at: now + ms, callback });
      return id;
    },
    clearTimeout(handle) {
      due.delete(handle as number);
    },
  };
  const advance = (ms: number) => {
    const target = now + ms;
    for (;;) {
      const next = [...due.entries()].sort(([, a], [, b]) => a.at - b.at)[0];
      if (!next || next[1].at > target) break;
      due.delete(next[0]);
      now = next[1].at;
      next[1].callback();
    }
    now = target;
  };
  return { timers, advance, pending: () => due.size };
}

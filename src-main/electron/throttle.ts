/** The clock and timers a throttle runs on; tests pass a manual clock. */
export interface Timers {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemTimers: Timers = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface Throttle {
  /** Runs at once when the last run is at least `intervalMs` old, else once at the end of the interval. */
  request(): void;
  /** Drops a pending run. */
  cancel(): void;
}

/** Leading- and trailing-edge throttle: `run` happens at most once per `intervalMs`, never skipped. */
export function createThrottle(run: () => void, intervalMs: number, timers: Timers = systemTimers): Throttle {
  let lastRun = Number.NEGATIVE_INFINITY;
  let pending: unknown = null;
  const fire = () => {
    pending = null;
    lastRun = timers.now();
    run();
  };
  return {
    request() {
      if (pending !== null) return;
      const wait = lastRun + intervalMs - timers.now();
      if (wait <= 0) fire();
      else pending = timers.setTimeout(fire, wait);
    },
    cancel() {
      if (pending !== null) timers.clearTimeout(pending);
      pending = null;
    },
  };
}

import { createSubscriber } from 'svelte/reactivity';

/** The current time for "3 min ago" labels: whatever reads `now` is redrawn every second while shown. */
class Clock {
  #subscribe = createSubscriber((update) => {
    const timer = setInterval(update, 1_000);
    return () => clearInterval(timer);
  });

  /** Epoch milliseconds. */
  get now(): number {
    this.#subscribe();
    return Date.now();
  }
}

export const clock = new Clock();

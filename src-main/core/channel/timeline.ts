import type { TimelineEvent } from '../../shared/relay-types.js';

/** The last `capacity` events of a channel, oldest first. */
export class Timeline {
  readonly #events: TimelineEvent[] = [];
  readonly #capacity: number;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  add(event: TimelineEvent): void {
    this.#events.push(event);
    if (this.#events.length > this.#capacity) this.#events.splice(0, this.#events.length - this.#capacity);
  }

  list(): TimelineEvent[] {
    return [...this.#events];
  }
}

/**
 * Who is watching a channel. HLS players make short requests, so a client is a (address, user agent) pair
 * seen recently; continuous-TS clients count while their response is open.
 */
export class ClientTracker {
  readonly #lastSeen = new Map<string, number>();
  readonly #open = new Map<string, number>();

  /** Records a request; returns true when this client was not watching before. */
  seen(key: string, now: number): boolean {
    const known = this.#lastSeen.has(key) || this.#open.has(key);
    this.#lastSeen.set(key, now);
    return !known;
  }

  /** A long-lived response opened; returns the function to call when it closes. */
  open(key: string, now: number): () => void {
    this.#open.set(key, (this.#open.get(key) ?? 0) + 1);
    this.#lastSeen.set(key, now);
    return () => {
      const count = (this.#open.get(key) ?? 1) - 1;
      if (count <= 0) this.#open.delete(key);
      else this.#open.set(key, count);
    };
  }

  /** Forgets clients silent for longer than idleMs; returns their keys. */
  expire(now: number, idleMs: number): string[] {
    const gone: string[] = [];
    for (const [key, at] of this.#lastSeen) {
      if (!this.#open.has(key) && now - at > idleMs) {
        this.#lastSeen.delete(key);
        gone.push(key);
      }
    }
    return gone;
  }

  get count(): number {
    return this.#lastSeen.size;
  }

  /** Epoch ms of the latest request from any client, or while a stream is open, `now`. */
  lastActivity(now: number): number {
    if (this.#open.size > 0) return now;
    let latest = 0;
    for (const at of this.#lastSeen.values()) latest = Math.max(latest, at);
    return latest;
  }
}

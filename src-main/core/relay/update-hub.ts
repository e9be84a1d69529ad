import type { ChannelSnapshot, RelayUpdate } from '../../shared/relay-types.js';

/** Fan-out of live updates to subscribers (window, event streams), each channel at most `maxHz` times a second. */
export interface UpdateHub {
  subscribe(listener: (update: RelayUpdate) => void): () => void;
  publish(update: RelayUpdate): void;
  /** The lineup changed: subscribers get every snapshot again (computed only when someone listens). */
  channelsChanged(): void;
  /** The channel left the lineup: a pending update for it is dropped, subscribers are told. */
  channelRemoved(id: string): void;
  /** A channel's snapshot changed; `snapshot` is called only when an update is actually sent. */
  channelChanged(id: string, snapshot: () => ChannelSnapshot): void;
  close(): void;
}

export function createUpdateHub(options: { snapshotAll: () => ChannelSnapshot[]; maxHz?: number }): UpdateHub {
  const intervalMs = 1000 / (options.maxHz ?? 4);
  const listeners = new Set<(update: RelayUpdate) => void>();
  const lastSent = new Map<string, number>();
  const scheduled = new Map<string, NodeJS.Timeout>();

  function publish(update: RelayUpdate): void {
    for (const listener of [...listeners]) {
      try {
        listener(update);
      } catch {
        // One broken subscriber must not starve the others.
      }
    }
  }

  function send(id: string, snapshot: () => ChannelSnapshot): void {
    scheduled.delete(id);
    lastSent.set(id, Date.now());
    publish({ type: 'channel', channel: snapshot() });
  }

  return {
    subscribe(listener) {
      listeners.add(listener);
      listener({ type: 'channels', channels: options.snapshotAll() });
      return () => listeners.delete(listener);
    },
    publish,
    channelRemoved(id) {
      clearTimeout(scheduled.get(id));
      scheduled.delete(id);
      lastSent.delete(id);
      publish({ type: 'channel-removed', id });
    },
    channelsChanged() {
      if (listeners.size > 0) publish({ type: 'channels', channels: options.snapshotAll() });
    },
    channelChanged(id, snapshot) {
      if (listeners.size === 0 || scheduled.has(id)) return;
      const wait = (lastSent.get(id) ?? 0) + intervalMs - Date.now();
      if (wait <= 0) send(id, snapshot);
      else scheduled.set(id, setTimeout(() => send(id, snapshot), wait));
    },
    close() {
      for (const timer of scheduled.values()) clearTimeout(timer);
      scheduled.clear();
      listeners.clear();
    },
  };
}

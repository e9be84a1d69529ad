import type { ChannelSnapshot, ChannelState, RelayUpdate } from '../shared/relay-types.js';

/** A native notification to show. */
export interface NotificationSpec {
  channelId: string;
  kind: 'failover' | 'failing' | 'switch-failed';
  title: string;
  body: string;
}

/** What the policy remembers between updates: states (to see a channel *become* failing), names, cooldowns. */
export interface NotificationMemory {
  states: ReadonlyMap<string, ChannelState>;
  names: ReadonlyMap<string, string>;
  /** `<channelId>:<kind>` → epoch ms of the last notification of that kind for that channel. */
  lastShown: ReadonlyMap<string, number>;
}

export interface NotificationPolicy {
  /** The user's "notifications" setting. */
  enabled: boolean;
  now: number;
  /** A flapping channel notifies once per kind per cooldown. */
  cooldownMs?: number;
}

export const NOTIFICATION_COOLDOWN_MS = 60_000;

export function rememberChannels(channels: readonly ChannelSnapshot[]): NotificationMemory {
  return {
    states: new Map(channels.map((channel) => [channel.id, channel.state])),
    names: new Map(channels.map((channel) => [channel.id, channel.name])),
    lastShown: new Map(),
  };
}

/**
 * Which notifications `update` calls for: a failover happened, a channel started failing (every source
 * failed), a switch failed. Health ticks, manual switches and recoveries stay quiet: the user either
 * caused them or has nothing to do about them.
 */
export function decideNotifications(
  memory: NotificationMemory,
  update: RelayUpdate,
  policy: NotificationPolicy,
): { memory: NotificationMemory; notifications: NotificationSpec[] } {
  const states = new Map(memory.states);
  const names = new Map(memory.names);
  const lastShown = new Map(memory.lastShown);
  const candidates: NotificationSpec[] = [];

  const observe = (channel: ChannelSnapshot) => {
    const previous = states.get(channel.id);
    states.set(channel.id, channel.state);
    names.set(channel.id, channel.name);
    if (channel.enabled && channel.state === 'failing' && previous !== undefined && previous !== 'failing') {
      candidates.push({
        channelId: channel.id,
        kind: 'failing',
        title: `${channel.name} is not playing`,
        body: channel.stateReason ?? 'Every source failed. HLS Relay keeps retrying them.',
      });
    }
  };

  switch (update.type) {
    case 'channels': {
      const present = new Set(update.channels.map((channel) => channel.id));
      for (const id of [...states.keys()]) if (!present.has(id)) states.delete(id);
      update.channels.forEach(observe);
      break;
    }
    case 'channel':
      observe(update.channel);
      break;
    case 'channel-removed':
      states.delete(update.id);
      names.delete(update.id);
      break;
    case 'timeline': {
      const name = names.get(update.channelId) ?? update.channelId;
      if (update.event.kind === 'failover') {
        candidates.push({ channelId: update.channelId, kind: 'failover', title: `${name} switched source`, body: update.event.message });
      } else if (update.event.kind === 'switch-failed') {
        candidates.push({ channelId: update.channelId, kind: 'switch-failed', title: `${name}: switch failed`, body: update.event.message });
      }
      break;
    }
  }

  const cooldown = policy.cooldownMs ?? NOTIFICATION_COOLDOWN_MS;
  const notifications = policy.enabled
    ? candidates.filter((candidate) => {
        const key = `${candidate.channelId}:${candidate.kind}`;
        const last = lastShown.get(key);
        if (last !== undefined && policy.now - last < cooldown) return false;
        lastShown.set(key, policy.now);
        return true;
      })
    : [];
  return { memory: { states, names, lastShown }, notifications };
}

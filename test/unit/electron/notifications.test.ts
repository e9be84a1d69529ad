import { describe, expect, it } from 'vitest';
import {
  NOTIFICATION_COOLDOWN_MS,
  decideNotifications,
  rememberChannels,
  type NotificationMemory,
  type NotificationSpec,
} from '../../../src-main/electron/notifications.js';
import type { RelayUpdate, TimelineEvent } from '../../../src-main/shared/relay-types.js';
import { channel, health } from './snapshot-fixtures.js';

function run(updates: RelayUpdate[], options: { enabled?: boolean; start?: NotificationMemory; stepMs?: number } = {}) {
  let memory = options.start ?? rememberChannels([channel('news', { name: 'News' }), channel('sport', { name: 'Sport' })]);
  const shown: NotificationSpec[] = [];
  updates.forEach((update, index) => {
    const decision = decideNotifications(memory, update, { enabled: options.enabled ?? true, now: index * (options.stepMs ?? 1000) });
    memory = decision.memory;
    shown.push(...decision.notifications);
  });
  return shown;
}

const event = (kind: TimelineEvent['kind'], message: string): TimelineEvent => ({ at: 1, kind, message, sourceId: 'b' });

describe('decideNotifications', () => {
  it('announces a failover with the channel name and the engine message', () => {
    const shown = run([{ type: 'timeline', channelId: 'news', event: event('failover', 'Source A stalled; now playing Source B') }]);
    expect(shown).toEqual([
      { channelId: 'news', kind: 'failover', title: 'News switched source', body: 'Source A stalled; now playing Source B' },
    ]);
  });

  it('announces a channel that becomes failing, once', () => {
    const failing = channel('sport', { name: 'Sport', state: 'failing', stateReason: 'All 3 sources failed' });
    const shown = run([
      { type: 'channel', channel: failing },
      { type: 'channel', channel: { ...failing, health: health({ bufferedSeconds: 0 }) } },
    ]);
    expect(shown).toEqual([{ channelId: 'sport', kind: 'failing', title: 'Sport is not playing', body: 'All 3 sources failed' }]);
  });

  it('sees a failing channel in a full list update too', () => {
    const shown = run([{ type: 'channels', channels: [channel('news', { name: 'News', state: 'failing' }), channel('sport')] }]);
    expect(shown.map((note) => [note.channelId, note.kind])).toEqual([['news', 'failing']]);
  });

  it('announces a failed switch', () => {
    const shown = run([{ type: 'timeline', channelId: 'sport', event: event('switch-failed', 'Source C answered 404') }]);
    expect(shown).toEqual([{ channelId: 'sport', kind: 'switch-failed', title: 'Sport: switch failed', body: 'Source C answered 404' }]);
  });

  it('stays quiet on health ticks, manual switches, failbacks, recoveries and stalls', () => {
    const shown = run([
      { type: 'channel', channel: channel('news', { name: 'News', health: health({ clients: 5 }) }) },
      { type: 'timeline', channelId: 'news', event: event('switch', 'Switched to Source B') },
      { type: 'timeline', channelId: 'news', event: event('failback', 'Back on Source A') },
      { type: 'timeline', channelId: 'news', event: event('recovered', 'Segments again') },
      { type: 'timeline', channelId: 'news', event: event('stall', 'No segment for 6 s') },
      { type: 'channel', channel: channel('news', { name: 'News', state: 'stalled' }) },
    ]);
    expect(shown).toEqual([]);
  });

  it('shows nothing when the setting is off', () => {
    const shown = run(
      [
        { type: 'timeline', channelId: 'news', event: event('failover', 'x') },
        { type: 'channel', channel: channel('sport', { state: 'failing' }) },
      ],
      { enabled: false },
    );
    expect(shown).toEqual([]);
  });

  it('lets a flapping channel notify once per cooldown', () => {
    const flap: RelayUpdate[] = [];
    for (let round = 0; round < 5; round += 1) {
      flap.push({ type: 'channel', channel: channel('sport', { state: 'failing' }) });
      flap.push({ type: 'channel', channel: channel('sport', { state: 'retrying' }) });
    }
    expect(run(flap, { stepMs: 1000 })).toHaveLength(1);
    // failing at 0, ½, 1, 1½ and 2 cooldowns: shown at 0, 1 and 2
    expect(run(flap, { stepMs: NOTIFICATION_COOLDOWN_MS / 4 })).toHaveLength(3);
  });

  it('does not announce a channel it meets already failing (at startup)', () => {
    const shown = run([{ type: 'channel', channel: channel('film', { state: 'failing' }) }]);
    expect(shown).toEqual([]);
  });

  it('forgets removed channels', () => {
    const shown = run([
      { type: 'channel-removed', id: 'sport' },
      { type: 'channel', channel: channel('sport', { state: 'failing' }) },
    ]);
    expect(shown).toEqual([]);
  });
});

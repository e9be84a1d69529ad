import { describe, expect, it } from 'vitest';
import { applyChannelUpdates, upsertChannel } from '../../../src-renderer/lib/apply-updates.js';
import { makeChannel } from '../support/fixtures.js';

const news = makeChannel({ id: 'news', name: 'News' });
const movies = makeChannel({ id: 'movies', name: 'Movies' });

describe('applying live updates to the channel list', () => {
  it('replaces a known channel in place and keeps the order', () => {
    const playing = { ...news, state: 'playing' as const };
    expect(applyChannelUpdates([news, movies], [{ type: 'channel', channel: playing }])).toEqual([playing, movies]);
  });

  it('does not bring back a removed channel when its last snapshot arrives after the removal', () => {
    // What the relay sends when a playing channel is removed: the removal, the new list, then "stopped".
    const stopped = { ...news, state: 'stopped' as const };
    const after = applyChannelUpdates(
      [news, movies],
      [
        { type: 'channel-removed', id: 'news' },
        { type: 'channels', channels: [movies] },
        { type: 'channel', channel: stopped },
      ],
    );
    expect(after).toEqual([movies]);
    // Also when the late snapshot comes in a batch of its own.
    const list = [movies] as const;
    expect(applyChannelUpdates(list, [{ type: 'channel', channel: stopped }])).toBe(list);
  });

  it('takes new channels from a whole list', () => {
    expect(applyChannelUpdates([news], [{ type: 'channels', channels: [news, movies] }])).toEqual([news, movies]);
  });

  it('returns the same array when nothing changed', () => {
    const list = [news, movies];
    expect(applyChannelUpdates(list, [{ type: 'channel-removed', id: 'gone' }])).toBe(list);
    expect(applyChannelUpdates(list, [{ type: 'timeline', channelId: 'news', event: { at: 1, kind: 'start', message: 'x' } }])).toBe(list);
  });
});

describe('merging an answer of the relay', () => {
  it('adds a channel it does not have at the end, and replaces one it has', () => {
    const renamed = { ...news, name: 'News 24' };
    expect(upsertChannel([news], movies)).toEqual([news, movies]);
    expect(upsertChannel([news, movies], renamed)).toEqual([renamed, movies]);
  });
});

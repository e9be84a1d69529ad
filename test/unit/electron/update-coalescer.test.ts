import { describe, expect, it } from 'vitest';
import { createUpdateCoalescer } from '../../../src-main/electron/update-coalescer.js';
import type { RelayUpdate } from '../../../src-main/shared/relay-types.js';
import { manualTimers } from './manual-timers.js';
import { channel, health } from './snapshot-fixtures.js';

function setup(options: { maxPendingEvents?: number } = {}) {
  const clock = manualTimers();
  const sent: { at: number; update: RelayUpdate }[] = [];
  const coalescer = createUpdateCoalescer((update) => sent.push({ at: clock.timers.now(), update }), {
    intervalMs: 250,
    timers: clock.timers,
    ...options,
  });
  return { coalescer, sent, clock };
}

const tick = (id: string, buffered: number): RelayUpdate => ({ type: 'channel', channel: channel(id, { health: health({ bufferedSeconds: buffered }) }) });
const buffered = (update: RelayUpdate) => (update.type === 'channel' ? update.channel.health.bufferedSeconds : null);

describe('createUpdateCoalescer', () => {
  it('sends the first update at once', () => {
    const { coalescer, sent } = setup();
    coalescer.push(tick('news', 1));
    expect(sent).toHaveLength(1);
  });

  it('keeps each channel to at most 4 snapshots per second, always ending on the newest', () => {
    const { coalescer, sent, clock } = setup();
    for (let step = 0; step < 100; step += 1) {
      coalescer.push(tick('news', step));
      coalescer.push(tick('sport', step));
      clock.advance(10); // 100 updates per second per channel
    }
    clock.advance(1000);
    const news = sent.filter(({ update }) => update.type === 'channel' && update.channel.id === 'news');
    const seconds = 2;
    expect(news.length).toBeLessThanOrEqual(4 * seconds + 1);
    for (let index = 1; index < news.length; index += 1) expect(news[index]!.at - news[index - 1]!.at).toBeGreaterThanOrEqual(250);
    expect(buffered(news.at(-1)!.update)).toBe(99);
    expect(buffered(sent.filter(({ update }) => update.type === 'channel' && update.channel.id === 'sport').at(-1)!.update)).toBe(99);
  });

  it('lets a full list supersede older channel snapshots, and keeps newer ones after it', () => {
    const { coalescer, sent, clock } = setup();
    coalescer.push(tick('warm-up', 0));
    coalescer.push(tick('news', 1));
    coalescer.push({ type: 'channels', channels: [channel('news'), channel('sport')] });
    coalescer.push(tick('sport', 7));
    clock.advance(250);
    expect(sent.slice(1).map(({ update }) => update.type)).toEqual(['channels', 'channel']);
    expect(buffered(sent[2]!.update)).toBe(7);
  });

  it('delivers every timeline event, in order', () => {
    const { coalescer, sent, clock } = setup();
    coalescer.push(tick('news', 1));
    for (let index = 0; index < 5; index += 1) {
      coalescer.push({ type: 'timeline', channelId: 'news', event: { at: index, kind: 'error', message: `e${index}` } });
    }
    clock.advance(250);
    expect(sent.slice(1).map(({ update }) => (update.type === 'timeline' ? update.event.message : update.type))).toEqual(['e0', 'e1', 'e2', 'e3', 'e4']);
  });

  it('bounds a burst of timeline events, dropping the oldest', () => {
    const { coalescer, sent, clock } = setup({ maxPendingEvents: 3 });
    coalescer.push(tick('news', 1));
    for (let index = 0; index < 10; index += 1) {
      coalescer.push({ type: 'timeline', channelId: 'news', event: { at: index, kind: 'error', message: `e${index}` } });
    }
    clock.advance(250);
    expect(sent.slice(1).map(({ update }) => (update.type === 'timeline' ? update.event.message : ''))).toEqual(['e7', 'e8', 'e9']);
  });

  it('sends a removal instead of a pending snapshot of the removed channel', () => {
    const { coalescer, sent, clock } = setup();
    coalescer.push(tick('warm-up', 0));
    coalescer.push(tick('news', 1));
    coalescer.push({ type: 'channel-removed', id: 'news' });
    clock.advance(250);
    expect(sent.slice(1).map(({ update }) => update)).toEqual([{ type: 'channel-removed', id: 'news' }]);
  });

  it('sends nothing after destroy', () => {
    const { coalescer, sent, clock } = setup();
    coalescer.push(tick('news', 1));
    coalescer.push(tick('news', 2));
    coalescer.destroy();
    clock.advance(1000);
    expect(sent).toHaveLength(1);
    expect(clock.pending()).toBe(0);
  });
});

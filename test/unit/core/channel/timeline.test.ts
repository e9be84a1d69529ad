import { describe, expect, it } from 'vitest';
import { Timeline } from '../../../../src-main/core/channel/timeline.js';
import type { TimelineEvent } from '../../../../src-main/shared/relay-types.js';

function event(at: number): TimelineEvent {
  return { at, kind: 'error', message: `event ${at}`, code: 'upstream-timeout', sourceId: 's1' };
}

describe('Timeline', () => {
  it('lists events oldest first', () => {
    const timeline = new Timeline(10);
    [1, 2, 3].forEach((at) => timeline.add(event(at)));
    expect(timeline.list().map((e) => e.at)).toEqual([1, 2, 3]);
  });

  it('keeps only the last `capacity` events', () => {
    const timeline = new Timeline(300);
    for (let at = 0; at < 1000; at += 1) timeline.add(event(at));
    const events = timeline.list();
    expect(events).toHaveLength(300);
    expect(events[0]!.at).toBe(700);
    expect(events.at(-1)!.at).toBe(999);
  });

  it('hands out a copy: callers cannot change the history', () => {
    const timeline = new Timeline(5);
    timeline.add(event(1));
    timeline.list().push(event(2));
    timeline.list().length = 0;
    expect(timeline.list()).toEqual([event(1)]);
  });
});

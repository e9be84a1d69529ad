import { describe, expect, it } from 'vitest';
import { ClientTracker } from '../../../../src-main/core/channel/client-tracker.js';

const T0 = 1_000_000;

describe('ClientTracker', () => {
  it('reports a client as new once, then as known', () => {
    const tracker = new ClientTracker();
    expect(tracker.seen('127.0.0.1 VLC', T0)).toBe(true);
    expect(tracker.seen('127.0.0.1 VLC', T0 + 2000)).toBe(false);
    expect(tracker.seen('127.0.0.1 ffmpeg', T0 + 2000)).toBe(true);
    expect(tracker.count).toBe(2);
  });

  it('forgets clients silent for longer than the idle time, and returns them', () => {
    const tracker = new ClientTracker();
    tracker.seen('a', T0);
    tracker.seen('b', T0 + 5000);
    expect(tracker.expire(T0 + 10_000, 10_000)).toEqual([]);
    expect(tracker.expire(T0 + 10_001, 10_000)).toEqual(['a']);
    expect(tracker.count).toBe(1);
    // A forgotten client that comes back is new again.
    expect(tracker.seen('a', T0 + 20_000)).toBe(true);
  });

  it('keeps a continuous-TS client while its response is open, however long', () => {
    const tracker = new ClientTracker();
    const close = tracker.open('tv', T0);
    expect(tracker.expire(T0 + 3_600_000, 10_000)).toEqual([]);
    expect(tracker.count).toBe(1);
    close();
    expect(tracker.expire(T0 + 3_600_000, 10_000)).toEqual(['tv']);
    expect(tracker.count).toBe(0);
  });

  it('counts two open responses of one client until both close', () => {
    const tracker = new ClientTracker();
    const closeFirst = tracker.open('tv', T0);
    const closeSecond = tracker.open('tv', T0);
    closeFirst();
    expect(tracker.expire(T0 + 60_000, 10_000)).toEqual([]);
    closeSecond();
    expect(tracker.expire(T0 + 60_000, 10_000)).toEqual(['tv']);
  });

  it('an open response is known: its requests are not new clients', () => {
    const tracker = new ClientTracker();
    tracker.open('tv', T0);
    expect(tracker.seen('tv', T0 + 1)).toBe(false);
  });

  it('reports the last activity: now while a response is open, else the latest request', () => {
    const tracker = new ClientTracker();
    expect(tracker.lastActivity(T0)).toBe(0);
    tracker.seen('a', T0);
    tracker.seen('b', T0 + 4000);
    tracker.seen('a', T0 + 2000);
    expect(tracker.lastActivity(T0 + 99_000)).toBe(T0 + 4000);
    const close = tracker.open('c', T0 + 5000);
    expect(tracker.lastActivity(T0 + 99_000)).toBe(T0 + 99_000);
    close();
    expect(tracker.lastActivity(T0 + 99_000)).toBe(T0 + 5000);
  });
});

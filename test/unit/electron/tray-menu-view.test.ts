import { describe, expect, it } from 'vitest';
import { applyRelayUpdate } from '../../../src-main/electron/channel-list.js';
import { createThrottle } from '../../../src-main/electron/throttle.js';
import { deriveTrayMenuView, sameTrayMenuView } from '../../../src-main/electron/tray-menu-view.js';
import type { ChannelSnapshot, RelayUpdate } from '../../../src-main/shared/relay-types.js';
import { manualTimers } from './manual-timers.js';
import { SERVER, channel, health } from './snapshot-fixtures.js';

const view = (channels: readonly ChannelSnapshot[], startAtLogin = false, webUiLink: string | null = null) =>
  deriveTrayMenuView(channels, { server: SERVER, webUiLink, startAtLogin });

describe('tray menu view', () => {
  const base = [channel('news'), channel('sport')];

  it('derives absolute stream URLs and source labels', () => {
    expect(view(base).channels[0]).toEqual({
      id: 'news',
      name: 'NEWS',
      group: null,
      enabled: true,
      status: 'playing',
      activeSourceId: 'a',
      sources: [
        { id: 'a', label: 'Source A' },
        { id: 'b', label: 'Source B' },
        { id: 'c', label: 'Source C' },
      ],
      streamUrl: 'http://127.0.0.1:5000/stream/news',
    });
    expect(view(base).playlistUrl).toBe(SERVER.playlistUrl);
  });

  it('ignores health-only changes (buffer, bitrate, clients, history)', () => {
    const ticked = base.map((snapshot) => ({
      ...snapshot,
      health: health({ bufferedSeconds: 3, clients: 4, bitrateBps: 1, history: [{ at: 1, bufferedSeconds: 3, bitrateBps: 1, downloadRatio: 2 }] }),
      lastSwitch: { from: 'a', to: 'a', reason: 'manual' as const, at: 5, latencyMs: 9 },
    }));
    expect(sameTrayMenuView(view(base), view(ticked))).toBe(true);
  });

  it('treats states that look alike in the menu as no change', () => {
    expect(sameTrayMenuView(view([channel('news', { state: 'idle' })]), view([channel('news', { state: 'starting' })]))).toBe(true);
    expect(sameTrayMenuView(view([channel('news', { state: 'playing' })]), view([channel('news', { state: 'switching' })]))).toBe(true);
  });

  it.each<[string, ChannelSnapshot[]]>([
    ['active source', [channel('news', { activeSourceId: 'b' }), channel('sport')]],
    ['state', [channel('news', { state: 'failing' }), channel('sport')]],
    ['name', [channel('news', { name: 'News HD' }), channel('sport')]],
    ['group', [channel('news', { group: 'Info' }), channel('sport')]],
    ['enabled', [channel('news', { enabled: false }), channel('sport')]],
    ['sources', [channel('news', { sources: channel('news').sources.slice(0, 2) }), channel('sport')]],
    ['source label', [channel('news', { sources: channel('news').sources.map((s) => ({ ...s, label: `${s.label}!` })) }), channel('sport')]],
    ['order', [channel('sport'), channel('news')]],
    ['channel added', [...base, channel('film')]],
    ['channel removed', [channel('news')]],
  ])('sees a change of %s', (_what, changed) => {
    expect(sameTrayMenuView(view(base), view(changed))).toBe(false);
  });

  it('sees a change of the start-at-login setting or of the web UI link', () => {
    expect(sameTrayMenuView(view(base, false), view(base, true))).toBe(false);
    expect(sameTrayMenuView(view(base), view(base, false, 'http://192.168.1.2:5000/ui/#token=x'))).toBe(false);
  });
});

describe('menu rebuilds driven by relay updates', () => {
  /** The tray's loop without Electron: updates → view → compare → throttled build. */
  function simulateTray(intervalMs = 500) {
    const clock = manualTimers();
    let channels: readonly ChannelSnapshot[] = [];
    let built: ReturnType<typeof view> | null = null;
    const builds: ReturnType<typeof view>[] = [];
    const throttle = createThrottle(
      () => {
        const next = view(channels);
        if (built !== null && sameTrayMenuView(next, built)) return;
        built = next;
        builds.push(next);
      },
      intervalMs,
      clock.timers,
    );
    const push = (update: RelayUpdate) => {
      channels = applyRelayUpdate(channels, update);
      if (built === null || !sameTrayMenuView(view(channels), built)) throttle.request();
    };
    return { push, builds, advance: clock.advance };
  }

  it('does not rebuild on health ticks', () => {
    const tray = simulateTray();
    tray.push({ type: 'channels', channels: [channel('news'), channel('sport')] });
    expect(tray.builds).toHaveLength(1);
    for (let tick = 0; tick < 50; tick += 1) {
      tray.push({ type: 'channel', channel: channel('news', { health: health({ bufferedSeconds: tick, clients: tick % 3 }) }) });
      tray.advance(100);
    }
    expect(tray.builds).toHaveLength(1);
  });

  it('rebuilds once per interval with the newest state when the menu changes quickly', () => {
    const tray = simulateTray(500);
    tray.push({ type: 'channels', channels: [channel('news')] });
    tray.push({ type: 'channel', channel: channel('news', { activeSourceId: 'b' }) });
    tray.push({ type: 'channel', channel: channel('news', { activeSourceId: 'c' }) });
    expect(tray.builds).toHaveLength(1);
    tray.advance(499);
    expect(tray.builds).toHaveLength(1);
    tray.advance(1);
    expect(tray.builds).toHaveLength(2);
    expect(tray.builds[1]!.channels[0]!.activeSourceId).toBe('c');
  });

  it('skips the trailing rebuild when the state went back to what is shown', () => {
    const tray = simulateTray(500);
    tray.push({ type: 'channels', channels: [channel('news')] });
    tray.push({ type: 'channel', channel: channel('news', { state: 'stalled' }) });
    tray.push({ type: 'channel', channel: channel('news', { state: 'playing' }) });
    tray.advance(1000);
    expect(tray.builds).toHaveLength(1);
  });
});

describe('applyRelayUpdate', () => {
  it('replaces, appends, removes and leaves the list alone for timeline events', () => {
    const start = [channel('news'), channel('sport')];
    expect(applyRelayUpdate(start, { type: 'channel', channel: channel('sport', { state: 'failing' }) }).map((c) => c.state)).toEqual([
      'playing',
      'failing',
    ]);
    expect(applyRelayUpdate(start, { type: 'channel', channel: channel('film') }).map((c) => c.id)).toEqual(['news', 'sport', 'film']);
    expect(applyRelayUpdate(start, { type: 'channel-removed', id: 'news' }).map((c) => c.id)).toEqual(['sport']);
    expect(applyRelayUpdate(start, { type: 'timeline', channelId: 'news', event: { at: 1, kind: 'stall', message: 'x' } })).toBe(start);
    expect(applyRelayUpdate(start, { type: 'channels', channels: [channel('x')] }).map((c) => c.id)).toEqual(['x']);
  });
});

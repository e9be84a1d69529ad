import type { ChannelHealth, ChannelSnapshot, HealthSample, TimelineEvent } from '../../../src-main/shared/relay-types.js';

export const BASE_URL = 'http://127.0.0.1:5000';

export function makeHealth(overrides: Partial<ChannelHealth> = {}): ChannelHealth {
  return {
    bufferedSegments: 0,
    bufferedSeconds: 0,
    windowSeconds: 24,
    targetDuration: 2,
    lastDownloadMs: null,
    lastSegmentDuration: null,
    downloadRatio: null,
    bitrateBps: null,
    errorCount: 0,
    lastError: null,
    clients: 0,
    bytesServed: 0,
    segmentsStored: 0,
    mediaSequence: 0,
    discontinuitySequence: 0,
    lastSegmentAt: null,
    history: [],
    ...overrides,
  };
}

/** A channel snapshot; sources default to "Main" and "Backup", the first one active. */
export function makeChannel(partial: Partial<ChannelSnapshot> & { id: string; name: string }): ChannelSnapshot {
  const sources = partial.sources ?? [
    { id: 'main', url: `https://main.example/${partial.id}/index.m3u8`, label: 'Main' },
    { id: 'backup', url: `https://backup.example/${partial.id}/index.m3u8`, label: 'Backup' },
  ];
  return {
    group: null,
    logo: null,
    enabled: true,
    state: 'idle',
    stateReason: null,
    activeSourceId: sources[0]?.id ?? null,
    pinned: false,
    health: makeHealth(),
    lastSwitch: null,
    streamPath: `/stream/${partial.id}`,
    ...partial,
    sources,
  };
}

/** A smooth, repeatable history: `minutes` of samples every 2 s, oldest first, ending at `now`. */
export function makeHistory(now: number, minutes: number, base: { buffered: number; ratio: number; bitrate: number }): HealthSample[] {
  const count = Math.round((minutes * 60) / 2);
  return Array.from({ length: count }, (_, i) => {
    const wave = Math.sin(i / 9) + 0.4 * Math.sin(i / 3.7);
    return {
      at: now - (count - 1 - i) * 2_000,
      bufferedSeconds: Math.max(0, base.buffered + wave * 2.5),
      downloadRatio: Math.max(0.05, base.ratio + wave * 0.12),
      bitrateBps: Math.round(base.bitrate * (1 + wave * 0.05)),
    };
  });
}

const LOGO_SVG = (colour: string, text: string): string =>
  `data:image/svg+xml,${encodeURIComponent(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" rx="10" fill="${colour}"/><text x="32" y="41" font-family="sans-serif" font-size="24" font-weight="700" fill="#fff" text-anchor="middle">${text}</text></svg>`,
  )}`;

/** Channels in every state, with health that tells a story: for screenshots and detail tests. */
export function demoChannels(now: number): ChannelSnapshot[] {
  return [
    makeChannel({
      id: 'news-24',
      name: 'News 24',
      group: 'News',
      logo: LOGO_SVG('#c62828', 'N24'),
      state: 'playing',
      pinned: true,
      activeSourceId: 'backup',
      health: makeHealth({
        bufferedSegments: 9,
        bufferedSeconds: 18,
        windowSeconds: 24,
        lastDownloadMs: 640,
        lastSegmentDuration: 2,
        downloadRatio: 0.32,
        bitrateBps: 4_200_000,
        errorCount: 3,
        lastError: {
          code: 'upstream-timeout',
          message: 'GET https://main.example/news-24/seg-1022.ts timed out after 10000 ms',
          at: now - 4 * 60_000,
          sourceId: 'main',
        },
        clients: 2,
        segmentsStored: 1_200,
        history: makeHistory(now, 5, { buffered: 16, ratio: 0.35, bitrate: 4_200_000 }),
      }),
      lastSwitch: { from: 'main', to: 'backup', reason: 'failover', at: now - 4 * 60_000, latencyMs: 1_450 },
    }),
    makeChannel({
      id: 'sport-hd',
      name: 'Sport HD',
      group: 'Sports',
      logo: LOGO_SVG('#1565c0', 'S'),
      state: 'switching',
      health: makeHealth({ bufferedSeconds: 7.5, bufferedSegments: 4, clients: 1, downloadRatio: 0.8, bitrateBps: 7_800_000 }),
    }),
    makeChannel({
      id: 'movies-one',
      name: 'Movies One',
      group: 'Movies',
      state: 'stalled',
      stateReason: 'No new video for 8 s',
      health: makeHealth({ bufferedSeconds: 3, bufferedSegments: 2, clients: 1, downloadRatio: 1.4, bitrateBps: 2_500_000, errorCount: 1 }),
    }),
    makeChannel({
      id: 'kids-fun',
      name: 'Kids Fun',
      group: 'Kids',
      state: 'retrying',
      stateReason: 'Main answered 503; trying again in 4 s',
      health: makeHealth({ bufferedSeconds: 10, clients: 1, downloadRatio: 0.5, errorCount: 5 }),
    }),
    makeChannel({
      id: 'music-live',
      name: 'Music Live',
      group: 'Music',
      state: 'failing',
      stateReason: 'Every source failed; retrying in turn',
      health: makeHealth({ errorCount: 14, clients: 1 }),
    }),
    makeChannel({ id: 'docu-world', name: 'Documentary World with an unusually long channel name', group: 'Documentaries', state: 'starting' }),
    makeChannel({ id: 'regional', name: 'Regional 3', group: 'News', state: 'idle' }),
    makeChannel({ id: 'archive', name: 'Archive', state: 'stopped', enabled: false }),
  ];
}

export function demoTimeline(now: number): TimelineEvent[] {
  const minute = 60_000;
  return [
    { at: now - 12 * minute, kind: 'start', message: 'Started on Main', sourceId: 'main' },
    { at: now - 11 * minute, kind: 'client-join', message: 'A player joined (127.0.0.1)' },
    { at: now - 5 * minute, kind: 'error', message: 'Segment 1022 timed out', sourceId: 'main', code: 'upstream-timeout' },
    { at: now - 4.5 * minute, kind: 'backoff', message: 'Retrying Main in 2 s', sourceId: 'main' },
    { at: now - 4 * minute, kind: 'failover', message: 'Switched from Main to Backup', sourceId: 'backup', code: 'upstream-timeout' },
    { at: now - 3 * minute, kind: 'client-join', message: 'A player joined (127.0.0.1)' },
    { at: now - 1 * minute, kind: 'recovered', message: 'Backup is delivering steadily', sourceId: 'backup' },
  ];
}

/** `count` plain channels spread over eight groups, named "Channel 0001" … */
export function manyChannels(count: number): ChannelSnapshot[] {
  const groups = ['News', 'Sports', 'Movies', 'Kids', 'Music', 'Docs', 'Regional', 'International'];
  return Array.from({ length: count }, (_, i) =>
    makeChannel({
      id: `channel-${i + 1}`,
      name: `Channel ${String(i + 1).padStart(4, '0')}`,
      group: groups[i % groups.length] ?? null,
      state: i % 10 === 0 ? 'playing' : 'idle',
    }),
  );
}

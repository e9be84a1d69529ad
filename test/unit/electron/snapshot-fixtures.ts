import type { ChannelHealth, ChannelSnapshot, ServerInfo } from '../../../src-main/shared/relay-types.js';

export const SERVER: ServerInfo = {
  baseUrl: 'http://127.0.0.1:5000',
  playlistUrl: 'http://127.0.0.1:5000/channels.m3u',
  version: '0.1.0',
};

export function health(overrides: Partial<ChannelHealth> = {}): ChannelHealth {
  return {
    bufferedSegments: 6,
    bufferedSeconds: 12,
    windowSeconds: 24,
    targetDuration: 2,
    lastDownloadMs: 300,
    lastSegmentDuration: 2,
    downloadRatio: 0.15,
    bitrateBps: 3_000_000,
    errorCount: 0,
    lastError: null,
    clients: 1,
    bytesServed: 1_000_000,
    segmentsStored: 40,
    mediaSequence: 100,
    discontinuitySequence: 0,
    lastSegmentAt: 1_700_000_000_000,
    history: [],
    ...overrides,
  };
}

/** A channel with sources `a`, `b`, `c` (labels "Source A"…), playing `a`. */
export function channel(id: string, overrides: Partial<ChannelSnapshot> = {}): ChannelSnapshot {
  return {
    id,
    name: id.toUpperCase(),
    group: null,
    logo: null,
    enabled: true,
    state: 'playing',
    stateReason: null,
    activeSourceId: 'a',
    pinned: false,
    sources: ['a', 'b', 'c'].map((source) => ({
      id: source,
      url: `http://origin.test/${id}/${source}.m3u8`,
      label: `Source ${source.toUpperCase()}`,
    })),
    health: health(),
    lastSwitch: null,
    streamPath: `/stream/${id}`,
    ...overrides,
  };
}

import type { ChannelHealth, LastError } from '../../shared/relay-types.js';
import type { PlaylistWindow } from '../buffer/segment-buffer.js';
import type { StoredSegment } from '../buffer/stored-segment.js';
import type { HealthStats } from './health-stats.js';

export interface HealthInput {
  window: PlaylistWindow;
  newest: StoredSegment | undefined;
  stats: HealthStats;
  windowSegments: number;
  errorCount: number;
  lastError: LastError | null;
  clients: number;
  bytesServed: number;
}

/** A channel's health as the window and tray show it. Pure. */
export function channelHealth(input: HealthInput): ChannelHealth {
  const { window, newest, stats } = input;
  const listed = sumSeconds(window.segments);
  const last = stats.last();
  return {
    bufferedSegments: window.segments.length,
    bufferedSeconds: round(listed, 3),
    // What the playlist lists once full: the window's segment count at the recent segment length.
    windowSeconds: window.segments.length === 0 ? 0 : round(Math.max(listed, (listed / window.segments.length) * input.windowSegments), 3),
    targetDuration: window.targetDuration,
    lastDownloadMs: last?.downloadMs ?? null,
    lastSegmentDuration: last?.durationSec ?? null,
    downloadRatio: last ? round(last.downloadMs / (last.durationSec * 1000), 3) : null,
    bitrateBps: stats.bitrateBps(),
    errorCount: input.errorCount,
    lastError: input.lastError,
    clients: input.clients,
    bytesServed: input.bytesServed,
    segmentsStored: newest ? newest.seq + 1 : window.mediaSequence,
    mediaSequence: window.mediaSequence,
    discontinuitySequence: window.discontinuitySequence,
    lastSegmentAt: newest?.storedAt ?? null,
    history: stats.history(),
  };
}

export function sumSeconds(segments: readonly StoredSegment[]): number {
  return segments.reduce((total, segment) => total + segment.duration, 0);
}

function round(value: number, places: number): number {
  const factor = 10 ** places;
  return Math.round(value * factor) / factor;
}

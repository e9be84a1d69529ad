import type { RelaySettings } from '../../shared/lineup-types.js';
import { DEFAULT_BACKOFF, type BackoffPolicy } from '../upstream/backoff.js';

/** Everything that shapes a channel's behaviour; user settings plus engine defaults tests may tighten. */
export interface ChannelTuning {
  userAgent: string;
  bufferSegments: number;
  windowSegments: number;
  liveEdgeSegments: number;
  idleTimeoutMs: number;
  /** Memory budget per channel for stored segments. */
  maxBufferBytes: number;
  /** A switch that has not produced a checked segment by then fails (the old source stays). */
  switchTimeoutMs: number;
  /** No new segment for this many target durations: stalled. */
  stallTargetDurations: number;
  /** Mean download time / media time above this over `slowSegments` segments: stalled (too slow). */
  slowRatio: number;
  slowSegments: number;
  /** Consecutive invalid segments before the source counts as broken. */
  invalidStreakLimit: number;
  /** Bitrate below this fraction of the source's own running average (or declared bandwidth): broken. */
  bitrateCollapseRatio: number;
  /** The preferred source must look healthy this long before the channel returns to it. */
  failbackAfterMs: number;
  /** No automatic switch away from a source sooner than this after switching to it. */
  minDwellMs: number;
  backoff: BackoffPolicy;
  segmentAttempts: number;
  /** Minimum spacing of one channel's upstream requests. */
  requestGapMs: number;
  timelineSize: number;
  /** How long a first playlist request may wait for segments, in target durations. */
  firstPlaylistWaitTargetDurations: number;
}

export const DEFAULT_TUNING: Omit<ChannelTuning, keyof SettingsPart> = {
  maxBufferBytes: 256 * 1024 * 1024,
  switchTimeoutMs: 10_000,
  stallTargetDurations: 3,
  slowRatio: 1,
  slowSegments: 4,
  invalidStreakLimit: 3,
  bitrateCollapseRatio: 0.2,
  failbackAfterMs: 30_000,
  minDwellMs: 30_000,
  backoff: DEFAULT_BACKOFF,
  segmentAttempts: 3,
  requestGapMs: 50,
  timelineSize: 300,
  firstPlaylistWaitTargetDurations: 2,
};

type SettingsPart = Pick<ChannelTuning, 'userAgent' | 'bufferSegments' | 'windowSegments' | 'liveEdgeSegments' | 'idleTimeoutMs'>;

export function tuningFromSettings(settings: RelaySettings, overrides: Partial<ChannelTuning> = {}): ChannelTuning {
  return {
    ...DEFAULT_TUNING,
    userAgent: settings.userAgent,
    bufferSegments: Math.max(settings.bufferSegments, settings.windowSegments),
    windowSegments: settings.windowSegments,
    liveEdgeSegments: settings.liveEdgeSegments,
    idleTimeoutMs: settings.idleTimeoutSec * 1000,
    ...overrides,
  };
}

import type { ErrorCode } from '../../shared/error-codes.js';
import type { ChannelTuning } from './channel-tuning.js';

/** What the channel knows about its active source when deciding whether to leave it. */
export interface SourceFacts {
  now: number;
  /** When the active source last stored a segment (or started, if none yet). */
  lastProgressAt: number;
  targetDuration: number;
  /** Consecutive failed requests of the active source. */
  failures: number;
  lastErrorCode: ErrorCode | null;
  ended: boolean;
  invalidStreak: number;
  /** Mean download ratio of the last `slowSegments` segments, when that many are known. */
  slowRatio: number | null;
  /** Bitrate of the last few segments, their own running average, and the variant's declared bandwidth. */
  recentBitrate: number | null;
  averageBitrate: number | null;
  declaredBandwidth: number | null;
}

export interface TriggerReason {
  code: ErrorCode;
  message: string;
}

/** Errors that say the source is gone rather than slow: no point waiting for a second one. */
const HARD_ERRORS: ReadonlySet<ErrorCode> = new Set(['upstream-refused', 'upstream-dns', 'upstream-status', 'playlist-invalid', 'upstream-redirect-loop', 'invalid-url']);

/** Failures after which the backoff has reached its cap (1, 2, 4, 8 s). */
const FAILURES_PAST_CAP = 4;

/**
 * Whether the active source is stalled (no progress); reported as channel state even with one source.
 */
export function stallReason(facts: SourceFacts, tuning: ChannelTuning): TriggerReason | null {
  const silentMs = facts.now - facts.lastProgressAt;
  if (silentMs >= tuning.stallTargetDurations * facts.targetDuration * 1000) {
    return { code: 'source-stalled', message: `no new segment for ${(silentMs / 1000).toFixed(1)} s` };
  }
  if (facts.slowRatio !== null && facts.slowRatio > tuning.slowRatio) {
    return { code: 'source-slow', message: `segments download ${facts.slowRatio.toFixed(2)}× slower than real time` };
  }
  return null;
}

/**
 * Whether to fail over from the active source now: dead (errors and no new segment for a target duration
 * after a hard error, one and a half after others), errors past the backoff cap, stalled, too slow, ended,
 * repeated invalid segments, or an "online but broken" bitrate collapse. Pure.
 */
export function failoverReason(facts: SourceFacts, tuning: ChannelTuning): TriggerReason | null {
  if (facts.ended) return { code: 'playlist-ended', message: 'the source ended its stream' };
  const silentMs = facts.now - facts.lastProgressAt;
  const hard = facts.lastErrorCode !== null && HARD_ERRORS.has(facts.lastErrorCode);
  // Segments normally arrive about once a target duration: silence past that with errors means dead.
  const patienceMs = (hard ? 1 : 1.5) * facts.targetDuration * 1000;
  if (facts.failures >= FAILURES_PAST_CAP || (facts.failures > 0 && silentMs >= patienceMs)) {
    return { code: facts.lastErrorCode ?? 'upstream-network', message: `the source keeps failing (${facts.failures} errors)` };
  }
  const stall = stallReason(facts, tuning);
  if (stall) return stall;
  if (facts.invalidStreak >= tuning.invalidStreakLimit) {
    return { code: 'segment-invalid', message: `${facts.invalidStreak} invalid segments in a row` };
  }
  const collapse = collapsedBitrate(facts, tuning.bitrateCollapseRatio);
  if (collapse) return { code: 'source-slow', message: collapse };
  return null;
}

function collapsedBitrate(facts: SourceFacts, ratio: number): string | null {
  const recent = facts.recentBitrate;
  if (recent === null) return null;
  if (facts.averageBitrate !== null && recent < facts.averageBitrate * ratio) {
    return `bitrate fell to ${Math.round(recent / 1000)} kbit/s from ${Math.round(facts.averageBitrate / 1000)} kbit/s`;
  }
  if (facts.declaredBandwidth !== null && recent < facts.declaredBandwidth * ratio * 0.5) {
    return `bitrate ${Math.round(recent / 1000)} kbit/s is far below the declared ${Math.round(facts.declaredBandwidth / 1000)} kbit/s`;
  }
  return null;
}

/** Whether to return to the preferred source: healthy long enough, and the current one has dwelled. */
export function shouldFailBack(input: {
  now: number;
  preferredHealthySince: number | null;
  lastSwitchAt: number;
  pinned: boolean;
  tuning: Pick<ChannelTuning, 'failbackAfterMs' | 'minDwellMs'>;
}): boolean {
  if (input.pinned || input.preferredHealthySince === null) return false;
  return input.now - input.preferredHealthySince >= input.tuning.failbackAfterMs && input.now - input.lastSwitchAt >= input.tuning.minDwellMs;
}

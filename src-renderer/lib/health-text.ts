import type { ChannelState, SwitchReason, TimelineKind } from '../../src-main/shared/relay-types.js';
import { formatSeconds } from './format.js';

export type Tone = 'good' | 'info' | 'warn' | 'bad' | 'neutral';

export interface StateText {
  label: string;
  tone: Tone;
  /** What the state means, for a tooltip and screen readers. */
  meaning: string;
}

export const STATE_TEXT: Record<ChannelState, StateText> = {
  idle: { label: 'Idle', tone: 'neutral', meaning: 'Nobody is watching. The channel starts when a player opens it.' },
  starting: { label: 'Starting', tone: 'info', meaning: 'Fetching the first pieces of video from the source.' },
  playing: { label: 'Playing', tone: 'good', meaning: 'The source is delivering video and players are being served.' },
  switching: { label: 'Switching', tone: 'info', meaning: 'Changing to another source; players keep the same address.' },
  retrying: { label: 'Retrying', tone: 'warn', meaning: 'The source had a problem; HLS Relay is trying it again.' },
  stalled: { label: 'Stalled', tone: 'warn', meaning: 'The source stopped sending new video.' },
  failing: { label: 'Failing', tone: 'bad', meaning: 'Every source failed; HLS Relay keeps retrying them in turn.' },
  stopped: { label: 'Stopped', tone: 'neutral', meaning: 'The channel is turned off.' },
};

/** Whether the channel is fetching from its source (anything but idle or turned off). */
export function isLive(state: ChannelState): boolean {
  return state !== 'idle' && state !== 'stopped';
}

export const SWITCH_REASON_TEXT: Record<SwitchReason, string> = {
  manual: 'switched by hand',
  failover: 'switched automatically because the previous source failed',
  failback: 'went back automatically to the preferred source',
};

export const TIMELINE_TEXT: Record<TimelineKind, { label: string; tone: Tone }> = {
  start: { label: 'Started', tone: 'info' },
  stop: { label: 'Stopped', tone: 'neutral' },
  switch: { label: 'Switched', tone: 'info' },
  'switch-failed': { label: 'Switch failed', tone: 'bad' },
  failover: { label: 'Failover', tone: 'warn' },
  failback: { label: 'Failback', tone: 'info' },
  error: { label: 'Error', tone: 'bad' },
  backoff: { label: 'Waiting to retry', tone: 'warn' },
  stall: { label: 'Stalled', tone: 'warn' },
  recovered: { label: 'Recovered', tone: 'good' },
  'segment-invalid': { label: 'Bad video piece', tone: 'bad' },
  'source-ended': { label: 'Source ended', tone: 'warn' },
  'client-join': { label: 'Player joined', tone: 'neutral' },
  'client-leave': { label: 'Player left', tone: 'neutral' },
};

export interface KeepUpText {
  tone: Tone;
  text: string;
}

/**
 * Whether a source can keep up with live playback, from download time ÷ segment duration: a ratio of 1
 * means a 6-second piece takes 6 seconds to download, so the buffer can only shrink from there.
 */
export function describeKeepUp(ratio: number | null): KeepUpText {
  if (ratio === null || !Number.isFinite(ratio)) return { tone: 'neutral', text: 'no downloads yet' };
  if (ratio < 0.7) return { tone: 'good', text: 'keeping up' };
  if (ratio < 1) return { tone: 'warn', text: 'keeping up, only just' };
  return { tone: 'bad', text: 'falling behind' };
}

/**
 * The buffer in words: "18 s of 24 s buffered"; just "6.0 s buffered" when there is no larger window to
 * fill (the relay lists everything it holds), "Nothing buffered" before the first segment.
 */
export function describeBuffer(bufferedSeconds: number, windowSeconds: number): string {
  if (!(bufferedSeconds > 0)) return 'Nothing buffered';
  if (!(windowSeconds > bufferedSeconds)) return `${formatSeconds(bufferedSeconds)} buffered`;
  return `${formatSeconds(bufferedSeconds)} of ${formatSeconds(windowSeconds)} buffered`;
}

/** How full the buffer is, 0..1, against the seconds the output playlist lists. */
export function bufferFill(bufferedSeconds: number, windowSeconds: number): number {
  if (!(windowSeconds > 0) || !(bufferedSeconds > 0)) return 0;
  return Math.min(1, bufferedSeconds / windowSeconds);
}

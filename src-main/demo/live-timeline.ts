/**
 * The clock of one live source: which media sequence numbers exist at a given moment. Computed from the
 * injected clock on every call (no timers), so a stopped origin leaves nothing running.
 *
 * A run starts with a full window: at its start the playlist lists `startMsn … startMsn + windowSize - 1`,
 * as if the encoder had been running for `windowSize` segments, and one more segment appears every
 * `segmentDurationMs`.
 */
export interface LiveTimelineOptions {
  /** EXT-X-MEDIA-SEQUENCE of the first playlist of the run. */
  startMsn: number;
  windowSize: number;
  segmentDurationMs: number;
  /** Milliseconds since the epoch. */
  now: () => number;
}

export interface LiveTimeline {
  /** First msn of the current run (restart() starts a new run). */
  readonly runStartMsn: number;
  readonly windowSize: number;
  readonly paused: boolean;
  readonly ended: boolean;
  /** EXT-X-MEDIA-SEQUENCE now: the oldest msn in the window. */
  mediaSequence(): number;
  /** Newest msn now. */
  liveMsn(): number;
  /** True when a GET of `msn` succeeds now: listed, or left the window less than `windowSize` segments ago. */
  isServable(msn: number): boolean;
  /** When `msn` started, in ms since the epoch (its EXT-X-PROGRAM-DATE-TIME). Stays fixed across pauses. */
  programDateTime(msn: number): number;
  /** Stall: the window stops advancing. */
  pause(): void;
  /** Continue after a pause; the next segment appears one segment duration later. No-op when ended. */
  resume(): void;
  /** Freeze the window for good (EXT-X-ENDLIST) until restart(). */
  end(): void;
  /** Encoder restart: a new run from `startMsn`, full window, discontinuity sequence 0. */
  restart(startMsn: number): void;
}

/** A stretch of segments produced without a pause: `fromMsn` started at `startAt`, the next ones follow. */
interface ProductionPiece {
  fromMsn: number;
  startAt: number;
}

export function createLiveTimeline(options: LiveTimelineOptions): LiveTimeline {
  const { windowSize, segmentDurationMs: durationMs, now } = options;
  let runStartMsn = 0;
  // The window starts at `anchorMsn` at time `anchorAt` and advances from there.
  let anchorMsn = 0;
  let anchorAt = 0;
  let frozenAt: number | undefined;
  let ended = false;
  let pieces: ProductionPiece[] = [];

  const mediaSequence = (): number =>
    anchorMsn + Math.max(0, Math.floor(((frozenAt ?? now()) - anchorAt) / durationMs));

  const restart = (startMsn: number): void => {
    const at = now();
    runStartMsn = anchorMsn = startMsn;
    anchorAt = at;
    frozenAt = undefined;
    ended = false;
    pieces = [{ fromMsn: startMsn, startAt: at - windowSize * durationMs }];
  };
  restart(options.startMsn);

  return {
    get runStartMsn() {
      return runStartMsn;
    },
    windowSize,
    get paused() {
      return frozenAt !== undefined;
    },
    get ended() {
      return ended;
    },
    mediaSequence,
    liveMsn: () => mediaSequence() + windowSize - 1,
    isServable(msn) {
      const first = mediaSequence();
      return msn >= runStartMsn && msn >= first - windowSize && msn <= first + windowSize - 1;
    },
    programDateTime(msn) {
      let piece = pieces[0];
      for (const candidate of pieces) if (candidate.fromMsn <= msn) piece = candidate;
      if (piece === undefined) return anchorAt;
      return piece.startAt + (msn - piece.fromMsn) * durationMs;
    },
    pause() {
      frozenAt ??= now();
    },
    resume() {
      if (frozenAt === undefined || ended) return;
      anchorMsn = mediaSequence();
      anchorAt = now();
      frozenAt = undefined;
      const oldestServable = anchorMsn - windowSize;
      pieces = pieces.filter((_piece, i) => (pieces[i + 1]?.fromMsn ?? Infinity) > oldestServable);
      pieces.push({ fromMsn: anchorMsn + windowSize, startAt: anchorAt });
    },
    end() {
      frozenAt ??= now();
      ended = true;
    },
    restart,
  };
}

/** True when `msn` is the first segment of a new pass through the fixture (its timestamps jump back). */
export function isLoopBoundary(msn: number, runStartMsn: number, loopLength: number): boolean {
  return msn > runStartMsn && msn % loopLength === 0;
}

/** EXT-X-DISCONTINUITY-SEQUENCE for a window starting at `mediaSequence`: loop boundaries already left. */
export function discontinuitySequenceAt(mediaSequence: number, runStartMsn: number, loopLength: number): number {
  if (mediaSequence <= runStartMsn) return 0;
  return Math.floor((mediaSequence - 1) / loopLength) - Math.floor(runStartMsn / loopLength);
}

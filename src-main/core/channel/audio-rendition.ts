import { isRelayError, RelayError } from '../errors.js';
import type { Logger } from '../logger.js';
import { checkTransportStream } from '../media/check-segment.js';
import { mergeAudioInit, muxFragments, readFragments, readInitTracks, retrackFragment, type MergedInit, type Mp4Track } from '../media/mp4-mux.js';
import { ADTS_STREAM_TYPE, packetizeAdts, readPackedAudio } from '../media/packed-audio.js';
import {
  firstPesTime,
  interleaveAudio,
  mapAudioProgram,
  splitAudioUnits,
  syntheticAudioProgram,
  type AudioProgram,
  type AudioUnit,
} from '../media/ts-mux.js';
import { isAudioStreamType, packetPid, readProgramMap, timeDifference, type ProgramMap } from '../media/ts-tables.js';
import type { InitSection, MediaPlaylist, UpstreamSegment } from '../playlist/playlist-types.js';
import { contentKey, planSegments, type FollowPosition } from './plan-segments.js';
import type { Clock } from '../time.js';
import { retryDelay, type BackoffPolicy } from '../upstream/backoff.js';

export interface AudioRenditionDeps {
  loadPlaylist(url: string): Promise<MediaPlaylist>;
  /** The segment's bytes, decrypted. */
  loadSegment(segment: UpstreamSegment): Promise<Buffer>;
  /** The init section an EXT-X-MAP names. */
  loadInit(map: InitSection): Promise<Buffer>;
  clock: Clock;
  logger: Logger;
  backoff: BackoffPolicy;
  /** The follower's: aborts waits when it stops. */
  signal: AbortSignal;
}

/** A video segment (decrypted) and, for fMP4, the init section it is listed with. */
export interface VideoSegment {
  bytes: Buffer;
  init?: { uri: string; bytes: Buffer };
}

export interface AudioRendition {
  /**
   * The video segment with the rendition's audio muxed in (for fMP4 with its own init section, the video's
   * plus the audio track), or null when it cannot be (audio already muxed, no program or track, audio in
   * a container the video's cannot take). `edgeSeconds`: from the segment's start to the end of its
   * playlist, to find the matching audio when following starts. `newRun`: the video starts a new run.
   */
  muxInto(video: VideoSegment, segment: UpstreamSegment, edgeSeconds: number, newRun: boolean): Promise<VideoSegment | null>;
}

/** How one video segment takes audio: when it starts (90 kHz), and its container's way of splitting and muxing. */
interface VideoTarget {
  start: number;
  audioUnits(bytes: Buffer, segment: UpstreamSegment): Promise<AudioUnit[] | null>;
  mux(end: number): VideoSegment | null;
}

interface AudioInit {
  uri: string;
  bytes: Buffer;
  tracks: Mp4Track[] | null;
}

const TICKS = 90_000;
/** Audio decoding this long before a new run's first video frame belongs to what came before. */
const RUN_START_TOLERANCE = 0.1 * TICKS;
/** Audio this far behind the video is not sent late: it would only be dropped by the player. */
const STALE_AUDIO = 2 * TICKS;
/**
 * Audio this far ahead of the video is on another timeline (a restart or loop on one side): dropped, and
 * not counted as covering the video, so following goes on to where the audio's new timeline begins.
 */
const FOREIGN_AUDIO = 10 * TICKS;
/** EXTINF and timestamps disagree by a frame or so. */
const COVER_TOLERANCE = 0.05 * TICKS;
/** About 20 000 TS packets: minutes of audio. */
const MAX_QUEUED_BYTES = 4 * 1024 * 1024;
const MAX_DOWNLOADS_PER_SEGMENT = 8;
const MAX_RELOADS_PER_SEGMENT = 6;
const RELOAD_GAP_MS = 200;
const RECENT_SEGMENTS = 64;

/**
 * Follows a separate audio rendition (an EXT-X-MEDIA TYPE=AUDIO playlist of MPEG-TS, of AAC packed audio
 * with ID3 timestamps, or of fMP4 next to fMP4 video) alongside a video-only variant and muxes its audio
 * into each video segment by timestamp, so the relay's single media playlist (and its continuous TS
 * output) carries sound. Audio segments are planned like the video ones (every one fetched once, in
 * order); following starts as far from the audio playlist's end as the video is.
 */
export function createAudioRendition(url: string, deps: AudioRenditionDeps): AudioRendition {
  const { clock, logger } = deps;
  const queue: AudioUnit[] = [];
  let queuedBytes = 0;
  /** Where the audio fetched so far ends (its newest segment's first timestamp plus its duration). */
  let fetchedUntil: number | null = null;
  let program: AudioProgram | null = null;
  let position: FollowPosition | null = null;
  const recent = new Map<number, string>();
  let planned: UpstreamSegment[] = [];
  let lastLoadAt = -Infinity;
  let audioTargetMs = 1000;
  /** The audio did not reach the video last time even after waiting: do not wait again until it does. */
  let behind = false;
  let failures = 0;
  let pausedUntil = 0;
  let unsupported = false;
  let muxedBefore = false;
  const packedCounter = { value: 0 };
  let audioInit: AudioInit | null = null;
  let merged: { video: Buffer; audio: Buffer; init: MergedInit | null } | null = null;
  const fragmentSequence = { value: 0 };

  async function reload(edgeSeconds: number): Promise<void> {
    const playlist = await deps.loadPlaylist(url);
    lastLoadAt = clock.now();
    audioTargetMs = playlist.targetDuration * 1000;
    const plan = planSegments(playlist, position, segmentsCovering(playlist.segments, edgeSeconds));
    if (plan.kind === 'stale') return;
    if (plan.kind === 'reset') recent.clear();
    planned = plan.segments;
  }

  function handled(segment: UpstreamSegment): void {
    recent.set(segment.msn, contentKey(segment.uri));
    if (recent.size > RECENT_SEGMENTS) recent.delete(recent.keys().next().value!);
    position = { lastMsn: segment.msn, recent };
  }

  async function download(segment: UpstreamSegment, target: VideoTarget): Promise<void> {
    const bytes = await deps.loadSegment(segment);
    const units = await target.audioUnits(bytes, segment);
    if (!units) return;
    for (const unit of units) enqueue(unit);
    // TS packets continuing a PES begun in the previous segment joined a queued unit: count them too.
    queuedBytes = queue.reduce((total, unit) => total + unitBytes(unit), 0);
    if (units[0]) fetchedUntil = units[0].time + Math.round(segment.duration * TICKS);
  }

  function transportUnits(bytes: Buffer, segment: UpstreamSegment, video: ProgramMap): AudioUnit[] {
    const check = checkTransportStream(bytes);
    if (!check.ok) throw new RelayError('segment-invalid', `Invalid audio segment ${segment.msn}: ${check.reason}`);
    program ??= mapAudioProgram(bytes, video);
    if (!program) throw new RelayError('segment-invalid', `Audio segment ${segment.msn} has no readable program`);
    return splitAudioUnits(bytes, program, lastQueuedOf);
  }

  /** AAC packed audio with its ID3 timestamp, made into TS; anything else is not muxed. */
  function packedUnits(bytes: Buffer, video: ProgramMap): AudioUnit[] | null {
    const packed = readPackedAudio(bytes);
    program ??= packed ? syntheticAudioProgram(ADTS_STREAM_TYPE, video) : null;
    const units = packed && program ? packetizeAdts(bytes, packed.framesAt, packed.time, program.streams[0]!.pid, packedCounter) : [];
    if (units.length > 0) return units;
    // MP3 or AC-3 packed audio, or AAC without a timestamp: the video plays on its own.
    return notMuxable('is neither MPEG-TS nor timestamped AAC');
  }

  function notMuxable(reason: string): null {
    unsupported = true;
    logger.warn(`Audio rendition ${url} ${reason}; relaying the video without it`);
    return null;
  }

  /** The fragments of an fMP4 audio segment, each a copy to be given the merged init's track id. */
  async function fragmentUnits(bytes: Buffer, segment: UpstreamSegment): Promise<AudioUnit[] | null> {
    if (!segment.map) return notMuxable('is not fMP4 like its video');
    const init = await deps.loadInit(segment.map);
    if (audioInit?.uri !== segment.map.uri || !audioInit.bytes.equals(init)) audioInit = { uri: segment.map.uri, bytes: init, tracks: readInitTracks(init) };
    const layout = audioInit.tracks ? readFragments(bytes, audioInit.tracks) : null;
    if (!layout || layout.fragments.some((fragment) => fragment.trackIds.length !== 1)) {
      throw new RelayError('segment-invalid', `Audio segment ${segment.msn} has no readable single-track fragments`);
    }
    const segmentEnd = layout.fragments[0]!.time + Math.round(segment.duration * TICKS);
    return layout.fragments.map((fragment, index) => ({
      time: fragment.time,
      end: layout.fragments[index + 1]?.time ?? segmentEnd,
      packets: [Buffer.from(bytes.subarray(fragment.start, fragment.end))],
    }));
  }

  /** The video's init section with the audio track added; null until the audio's init is known, or when they cannot merge. */
  function mergedInit(video: Buffer): MergedInit | null {
    if (!audioInit) return null;
    if (merged?.video !== video || merged.audio !== audioInit.bytes) {
      merged = { video, audio: audioInit.bytes, init: mergeAudioInit(video, audioInit.bytes) };
      if (!merged.init) notMuxable('has an init section whose sound track cannot join the video\'s');
    }
    return merged.init;
  }

  function transportTarget(video: Buffer): VideoTarget | null {
    const videoProgram = readProgramMap(video);
    if (!videoProgram || videoProgram.streams.some((stream) => isAudioStreamType(stream.type))) return null;
    const start = firstPesTime(video, videoProgram);
    if (start === null) return null;
    return {
      start,
      audioUnits: async (bytes, segment) => {
        if (segment.map) return notMuxable('is fMP4 but its video MPEG-TS');
        return bytes[0] === 0x47 ? transportUnits(bytes, segment, videoProgram) : packedUnits(bytes, videoProgram);
      },
      mux: (end) => {
        if (!program) return null;
        const bytes = interleaveAudio(video, videoProgram, program, (until) => take(until).flatMap((unit) => unit.packets), end);
        return bytes ? { bytes } : null;
      },
    };
  }

  function fragmentTarget(video: Buffer, init: { uri: string; bytes: Buffer }): VideoTarget | null {
    const tracks = readInitTracks(init.bytes);
    const layout = tracks && !tracks.some((track) => track.handler === 'soun') ? readFragments(video, tracks) : null;
    if (!layout) return null;
    return {
      start: layout.fragments[0]!.time,
      audioUnits: fragmentUnits,
      mux: (end) => {
        const withAudio = mergedInit(init.bytes);
        if (!withAudio || !audioInit) return null;
        const audio = take(end - COVER_TOLERANCE).map((unit) => {
          const fragment = unit.packets[0]!;
          retrackFragment(fragment, withAudio.audioTrackId);
          return { time: unit.time, bytes: fragment };
        });
        return {
          bytes: muxFragments(video, layout, audio, fragmentSequence),
          init: { uri: `${init.uri}#with-audio=${audioInit.uri}`, bytes: withAudio.bytes },
        };
      },
    };
  }

  function lastQueuedOf(pid: number): AudioUnit | undefined {
    const last = queue.at(-1);
    return last?.packets[0] && packetPid(last.packets[0], 0) === pid ? last : undefined;
  }

  function enqueue(unit: AudioUnit): void {
    queue.push(unit);
    queuedBytes += unitBytes(unit);
    while (queuedBytes > MAX_QUEUED_BYTES) dropOldest();
  }

  function dropOldest(): void {
    const dropped = queue.shift();
    if (dropped) queuedBytes -= unitBytes(dropped);
  }

  function covers(endTime: number): boolean {
    if (fetchedUntil === null) return false;
    const ahead = timeDifference(fetchedUntil, endTime);
    return ahead >= -COVER_TOLERANCE && ahead <= FOREIGN_AUDIO;
  }

  /**
   * Fetches audio until it reaches the video segment's end. The audio playlist often lists that part a
   * moment after the video one, so it waits for it, up to one audio target duration — once: when the
   * audio stays behind, later segments go out with what there is until it catches up.
   */
  async function fill(endTime: number, edgeSeconds: number, target: VideoTarget): Promise<void> {
    const deadline = clock.now() + (behind ? 0 : audioTargetMs);
    let downloads = 0;
    let reloads = 0;
    while (!covers(endTime) && !unsupported && !deps.signal.aborted) {
      const next = planned[0];
      if (next) {
        if (!next.gap && downloads >= MAX_DOWNLOADS_PER_SEGMENT) break;
        planned.shift();
        handled(next);
        if (next.gap) continue;
        downloads += 1;
        await download(next, target);
        continue;
      }
      const wait = lastLoadAt + RELOAD_GAP_MS - clock.now();
      if (reloads >= MAX_RELOADS_PER_SEGMENT || (wait > 0 && clock.now() + wait > deadline)) break;
      if (wait > 0) await clock.sleep(wait, deps.signal);
      await reload(edgeSeconds);
      reloads += 1;
    }
    behind = !covers(endTime);
  }

  function take(until: number): AudioUnit[] {
    const units: AudioUnit[] = [];
    while (queue[0] && timeDifference(queue[0].time, until) <= 0) {
      units.push(queue[0]);
      dropOldest();
    }
    return units;
  }

  /** Drops what is too old to send, and what is on another timeline than the video starting at `start`. */
  function dropOutside(start: number, newRun: boolean): void {
    const earliest = start - (newRun ? RUN_START_TOLERANCE : STALE_AUDIO);
    for (let index = queue.length - 1; index >= 0; index -= 1) {
      const unit = queue[index]!;
      if (timeDifference(unit.end ?? unit.time, earliest) >= 0 && timeDifference(unit.time, start) <= FOREIGN_AUDIO) continue;
      queuedBytes -= unitBytes(unit);
      queue.splice(index, 1);
    }
  }

  return {
    async muxInto(video, segment, edgeSeconds, newRun) {
      if (unsupported) return null;
      const target = video.init ? fragmentTarget(video.bytes, video.init) : transportTarget(video.bytes);
      if (!target) return null;
      const end = target.start + Math.round(segment.duration * TICKS);
      if (clock.now() >= pausedUntil) {
        try {
          await fill(end, edgeSeconds, target);
          failures = 0;
        } catch (error) {
          if (deps.signal.aborted) return null;
          failures += 1;
          const wait = retryDelay(failures, deps.backoff, isRelayError(error) ? error.retryAfterMs : undefined);
          pausedUntil = clock.now() + wait;
          logger.warn(`Audio rendition ${url}: ${(error as Error).message}; the video goes on, audio again in ${wait} ms`);
        }
      }
      // The first video segment starts a run for the audio too: nothing from before its first frame.
      dropOutside(target.start, newRun || !muxedBefore);
      if (unsupported) return null;
      const muxed = target.mux(end);
      muxedBefore ||= muxed !== null;
      return muxed;
    },
  };
}

function unitBytes(unit: AudioUnit): number {
  return unit.packets.reduce((total, packet) => total + packet.length, 0);
}

/** How many segments from the end of a playlist span `seconds`, plus one. */
function segmentsCovering(segments: UpstreamSegment[], seconds: number): number {
  let total = 0;
  for (let index = segments.length - 1; index >= 0; index -= 1) {
    total += segments[index]!.duration;
    if (total >= seconds) return segments.length - index + 1;
  }
  return segments.length;
}

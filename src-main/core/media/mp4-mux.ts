import { boxFlags, boxVersion, buildBox, childBoxes, findBox, readBoxes, type Box } from './mp4-boxes.js';
import { timeDifference } from './ts-tables.js';

/** One track of an init section. */
export interface Mp4Track {
  id: number;
  /** The handler type: 'vide', 'soun', … */
  handler: string;
  /** Media timescale (ticks per second of its tfdt and sample durations). */
  timescale: number;
}

/** A video init section with an audio track added. */
export interface MergedInit {
  bytes: Buffer;
  /** The audio track's id in the merged init (its fragments are renumbered to it). */
  audioTrackId: number;
}

/** A movie fragment (moof and what follows up to the next moof) and its decode time in 90 kHz ticks. */
export interface FragmentSpan {
  time: number;
  start: number;
  end: number;
  trackIds: number[];
}

/** A media segment's top-level layout: what comes before the first moof (styp, sidx, …), then its fragments. */
export interface SegmentLayout {
  leading: Box[];
  fragments: FragmentSpan[];
}

const TICKS = 90_000n;
/** MPEG timestamps are 33 bits; fMP4 times are brought to the same clock to be compared with them. */
const WRAP = 2n ** 33n;
const TFHD_BASE_DATA_OFFSET = 0x000001;

/** The tracks of an init section, or null when it has no readable moov. */
export function readInitTracks(init: Buffer): Mp4Track[] | null {
  const moov = topBox(init, 'moov');
  if (!moov) return null;
  const tracks = childBoxes(init, moov)
    .filter((box) => box.type === 'trak')
    .map((trak) => readTrack(init, trak));
  return tracks.every((track) => track !== null) ? tracks : null;
}

/**
 * `video`'s init section with the first sound track of `audio` added under a free track id (both usually
 * come from one packager and use id 1), its trex added to mvex and edit-list durations rescaled to the
 * video's movie timescale. Null when either is unreadable, the video has sound already or is not fragmented.
 */
export function mergeAudioInit(video: Buffer, audio: Buffer): MergedInit | null {
  const videoTop = readBoxes(video);
  const videoMoov = videoTop.ok ? videoTop.boxes.find((box) => box.type === 'moov') : undefined;
  const audioMoov = topBox(audio, 'moov');
  const videoTracks = readInitTracks(video);
  if (!videoTop.ok || !videoMoov || !audioMoov || !videoTracks || videoTracks.length === 0) return null;
  if (videoTracks.some((track) => track.handler === 'soun')) return null;
  const videoChildren = childBoxes(video, videoMoov);
  const audioChildren = childBoxes(audio, audioMoov);
  const videoMvhd = videoChildren.find((box) => box.type === 'mvhd');
  const audioMvhd = audioChildren.find((box) => box.type === 'mvhd');
  const videoMvex = videoChildren.find((box) => box.type === 'mvex');
  const audioTrak = audioChildren.find((box) => box.type === 'trak' && readTrack(audio, box)?.handler === 'soun');
  const sourceId = audioTrak ? readTrack(audio, audioTrak)!.id : undefined;
  const audioTrex = findTrex(audio, audioChildren, sourceId);
  if (!videoMvhd || !audioMvhd || !videoMvex || !audioTrak || !audioTrex) return null;

  const audioTrackId = Math.max(...videoTracks.map((track) => track.id)) + 1;
  const mvhd = copyBox(video, videoMvhd);
  mvhd.bytes.writeUInt32BE(audioTrackId + 1, mvhd.bytes.length - 4);
  const trak = retrackTrak(audio, audioTrak, audioTrackId, movieTimescale(video, videoMvhd), movieTimescale(audio, audioMvhd));
  const trex = copyBox(audio, audioTrex);
  trex.bytes.writeUInt32BE(audioTrackId, trex.body + 4);
  const mvex = buildBox('mvex', [...childBoxes(video, videoMvex).map((box) => video.subarray(box.start, box.end)), trex.bytes]);

  const lastTrak = videoChildren.findLastIndex((box) => box.type === 'trak');
  const moovParts = videoChildren.flatMap((box, index) => {
    const part = box === videoMvhd ? mvhd.bytes : box === videoMvex ? mvex : video.subarray(box.start, box.end);
    return index === lastTrak ? [part, trak] : [part];
  });
  const moov = buildBox('moov', moovParts);
  return { bytes: Buffer.concat(videoTop.boxes.map((box) => (box === videoMoov ? moov : video.subarray(box.start, box.end)))), audioTrackId };
}

/**
 * Where a media segment's fragments are and when each decodes (its first track fragment's tfdt in the
 * track's timescale, as 90 kHz ticks). Null when it has none, a track is unknown, or a fragment places its
 * data by absolute file offset (base-data-offset), which moving fragments would break.
 */
export function readFragments(segment: Buffer, tracks: readonly Mp4Track[]): SegmentLayout | null {
  const top = readBoxes(segment);
  if (!top.ok) return null;
  const firstMoof = top.boxes.findIndex((box) => box.type === 'moof');
  if (firstMoof < 0) return null;
  const fragments: FragmentSpan[] = [];
  for (let index = firstMoof; index < top.boxes.length; ) {
    const moof = top.boxes[index]!;
    let next = index + 1;
    while (next < top.boxes.length && top.boxes[next]!.type !== 'moof') next += 1;
    const timing = fragmentTiming(segment, moof, tracks);
    if (!timing) return null;
    fragments.push({ ...timing, start: moof.start, end: top.boxes[next - 1]!.end });
    index = next;
  }
  return { leading: top.boxes.slice(0, firstMoof), fragments };
}

/** Gives a single-track fragment (a copy the caller owns) another track id. */
export function retrackFragment(fragment: Buffer, trackId: number): void {
  const top = readBoxes(fragment);
  const moof = top.ok ? top.boxes.find((box) => box.type === 'moof') : undefined;
  if (!moof) return;
  for (const traf of childBoxes(fragment, moof).filter((box) => box.type === 'traf')) {
    const tfhd = findBox(fragment, childBoxes(fragment, traf), ['tfhd']);
    if (tfhd) fragment.writeUInt32BE(trackId, tfhd.body + 4);
  }
}

/** A movie fragment's bytes and when it decodes (90 kHz). */
export interface TimedFragment {
  time: number;
  bytes: Buffer;
}

/**
 * The video segment with the audio fragments muxed in, as a packager would: each video fragment and the
 * audio decoding up to the next one become one moof with both track fragments and one mdat (VLC plays
 * separate per-track moofs a whole segment out of sync), or, where a fragment's layout does not allow
 * rewriting its data offsets, follow each other by decode time. The sidx is dropped (it would no longer
 * index the segment) and every moof numbered on from `sequence`, as ISO BMFF asks.
 */
export function muxFragments(video: Buffer, layout: SegmentLayout, audio: readonly TimedFragment[], sequence: { value: number }): Buffer {
  const own = layout.fragments.map((fragment) => ({ time: fragment.time, bytes: video.subarray(fragment.start, fragment.end) }));
  const leading = layout.leading.filter((box) => box.type !== 'sidx').map((box) => video.subarray(box.start, box.end));
  const fragments = groupByVideoFragment(own, audio).flatMap((group) => {
    const merged = mergeFragments(group);
    return merged ? [merged] : [...group].sort((a, b) => timeDifference(a.time, b.time)).map((fragment) => fragment.bytes);
  });
  const out = Buffer.concat([...leading, ...fragments]);
  const top = readBoxes(out);
  for (const moof of top.ok ? top.boxes.filter((box) => box.type === 'moof') : []) {
    const mfhd = findBox(out, childBoxes(out, moof), ['mfhd']);
    sequence.value = (sequence.value + 1) >>> 0;
    if (mfhd && mfhd.end - mfhd.body >= 8) out.writeUInt32BE(sequence.value, mfhd.body + 4);
  }
  return out;
}

/** Each video fragment with the audio fragments that decode before the next one (the first also takes earlier ones). */
function groupByVideoFragment(video: readonly TimedFragment[], audio: readonly TimedFragment[]): TimedFragment[][] {
  return video.map((fragment, index) => {
    const next = video[index + 1];
    const own = audio.filter((candidate) => {
      const beforeNext = next === undefined || timeDifference(candidate.time, next.time) < 0;
      const afterThis = index === 0 || timeDifference(candidate.time, fragment.time) >= 0;
      return beforeNext && afterThis;
    });
    return [fragment, ...own];
  });
}

const TFHD_DEFAULT_BASE_IS_MOOF = 0x020000;
const TRUN_DATA_OFFSET = 0x000001;

/** A track fragment copied out of its moof, where its samples are relative to its mdat's payload. */
interface MovableTraf {
  bytes: Buffer;
  /** Offsets (in `bytes`) of its truns' data_offset fields, and each run's start in the source mdat payload. */
  runs: { field: number; inPayload: number }[];
  payloadIndex: number;
}

/**
 * One moof holding every track fragment of `fragments` (the first one's mfhd) and one mdat with their
 * data, trun data offsets rewritten. Null unless each fragment is exactly a moof and an mdat whose track
 * fragments address their samples from the moof (default-base-is-moof, explicit data offsets).
 */
function mergeFragments(fragments: readonly TimedFragment[]): Buffer | null {
  if (fragments.length < 2) return null;
  let mfhd: Buffer | null = null;
  const trafs: MovableTraf[] = [];
  const payloads: Buffer[] = [];
  for (const { bytes } of fragments) {
    const top = readBoxes(bytes);
    if (!top.ok || top.boxes.length !== 2 || top.boxes[0]!.type !== 'moof' || top.boxes[1]!.type !== 'mdat') return null;
    const [moof, mdat] = top.boxes as [Box, Box];
    for (const child of childBoxes(bytes, moof)) {
      if (child.type === 'mfhd') mfhd ??= bytes.subarray(child.start, child.end);
      else if (child.type !== 'traf') return null;
      else {
        const traf = movableTraf(bytes, child, moof, mdat, payloads.length);
        if (!traf) return null;
        trafs.push(traf);
      }
    }
    payloads.push(bytes.subarray(mdat.body, mdat.end));
  }
  if (!mfhd) return null;
  const moofSize = 8 + mfhd.length + trafs.reduce((total, traf) => total + traf.bytes.length, 0);
  const payloadStarts = payloads.map((_, index) => payloads.slice(0, index).reduce((total, payload) => total + payload.length, 0));
  for (const traf of trafs) {
    for (const run of traf.runs) traf.bytes.writeInt32BE(moofSize + 8 + payloadStarts[traf.payloadIndex]! + run.inPayload, run.field);
  }
  return Buffer.concat([buildBox('moof', [mfhd, ...trafs.map((traf) => traf.bytes)]), buildBox('mdat', payloads)]);
}

function movableTraf(bytes: Buffer, traf: Box, moof: Box, mdat: Box, payloadIndex: number): MovableTraf | null {
  const children = childBoxes(bytes, traf);
  const tfhd = children.find((box) => box.type === 'tfhd');
  if (!tfhd || (boxFlags(bytes, tfhd) & TFHD_DEFAULT_BASE_IS_MOOF) === 0 || (boxFlags(bytes, tfhd) & TFHD_BASE_DATA_OFFSET) !== 0) return null;
  // Sample auxiliary offsets (encryption) are file positions this does not rewrite.
  if (children.some((box) => box.type === 'saio')) return null;
  const runs: MovableTraf['runs'] = [];
  for (const trun of children.filter((box) => box.type === 'trun')) {
    if ((boxFlags(bytes, trun) & TRUN_DATA_OFFSET) === 0 || trun.end - trun.body < 12) return null;
    const inPayload = moof.start + bytes.readInt32BE(trun.body + 8) - mdat.body;
    if (inPayload < 0 || inPayload > mdat.end - mdat.body) return null;
    runs.push({ field: trun.body + 8 - traf.start, inPayload });
  }
  return { bytes: Buffer.from(bytes.subarray(traf.start, traf.end)), runs, payloadIndex };
}

function fragmentTiming(segment: Buffer, moof: Box, tracks: readonly Mp4Track[]): { time: number; trackIds: number[] } | null {
  const trafs = childBoxes(segment, moof).filter((box) => box.type === 'traf');
  let time: number | null = null;
  const trackIds: number[] = [];
  for (const traf of trafs) {
    const children = childBoxes(segment, traf);
    const tfhd = children.find((box) => box.type === 'tfhd');
    const tfdt = children.find((box) => box.type === 'tfdt');
    if (!tfhd || !tfdt || tfhd.end - tfhd.body < 8 || (boxFlags(segment, tfhd) & TFHD_BASE_DATA_OFFSET) !== 0) return null;
    const trackId = segment.readUInt32BE(tfhd.body + 4);
    const track = tracks.find((candidate) => candidate.id === trackId);
    if (!track || track.timescale === 0) return null;
    const decodeTime = boxVersion(segment, tfdt) === 1 ? readUInt64(segment, tfdt.body + 4) : readUInt32(segment, tfdt.body + 4);
    if (decodeTime === null) return null;
    trackIds.push(trackId);
    time ??= Number(((decodeTime * TICKS) / BigInt(track.timescale)) % WRAP);
  }
  return time === null ? null : { time, trackIds };
}

function readTrack(bytes: Buffer, trak: Box): Mp4Track | null {
  const children = childBoxes(bytes, trak);
  const tkhd = findBox(bytes, children, ['tkhd']);
  const mdhd = findBox(bytes, children, ['mdia', 'mdhd']);
  const hdlr = findBox(bytes, children, ['mdia', 'hdlr']);
  if (!tkhd || !mdhd || !hdlr || hdlr.end - hdlr.body < 12) return null;
  const id = readUInt32(bytes, tkhd.body + (boxVersion(bytes, tkhd) === 1 ? 20 : 12), tkhd.end);
  const timescale = readUInt32(bytes, mdhd.body + (boxVersion(bytes, mdhd) === 1 ? 20 : 12), mdhd.end);
  if (id === null || timescale === null) return null;
  return { id: Number(id), handler: bytes.toString('latin1', hdlr.body + 8, hdlr.body + 12), timescale: Number(timescale) };
}

function findTrex(bytes: Buffer, moovChildren: readonly Box[], trackId: number | undefined): Box | undefined {
  const mvex = moovChildren.find((box) => box.type === 'mvex');
  if (!mvex || trackId === undefined) return undefined;
  return childBoxes(bytes, mvex).find((box) => box.type === 'trex' && readUInt32(bytes, box.body + 4, box.end) === BigInt(trackId));
}

/** A copy of the trak under a new id; its tkhd and edit-list durations moved from one movie timescale to another. */
function retrackTrak(bytes: Buffer, trak: Box, trackId: number, toTimescale: number, fromTimescale: number): Buffer {
  const copy = copyBox(bytes, trak);
  const root: Box = { type: 'trak', start: 0, body: copy.body, end: copy.bytes.length };
  const children = childBoxes(copy.bytes, root);
  const tkhd = findBox(copy.bytes, children, ['tkhd'])!;
  const wide = boxVersion(copy.bytes, tkhd) === 1;
  copy.bytes.writeUInt32BE(trackId, tkhd.body + (wide ? 20 : 12));
  if (toTimescale === fromTimescale || fromTimescale === 0) return copy.bytes;
  const rescale = (offset: number, is64: boolean) => rescaleField(copy.bytes, offset, is64, toTimescale, fromTimescale);
  rescale(tkhd.body + (wide ? 28 : 20), wide);
  const elst = findBox(copy.bytes, children, ['edts', 'elst']);
  if (elst) {
    const elstWide = boxVersion(copy.bytes, elst) === 1;
    const count = Number(readUInt32(copy.bytes, elst.body + 4, elst.end) ?? 0);
    const entrySize = elstWide ? 20 : 12;
    for (let entry = 0; entry < count && elst.body + 8 + (entry + 1) * entrySize <= elst.end; entry += 1) {
      rescale(elst.body + 8 + entry * entrySize, elstWide);
    }
  }
  return copy.bytes;
}

function rescaleField(bytes: Buffer, offset: number, is64: boolean, to: number, from: number): void {
  if (is64) {
    if (offset + 8 > bytes.length) return;
    bytes.writeBigUInt64BE((bytes.readBigUInt64BE(offset) * BigInt(to)) / BigInt(from), offset);
  } else if (offset + 4 <= bytes.length) {
    bytes.writeUInt32BE(Math.min(0xffffffff, Math.round((bytes.readUInt32BE(offset) * to) / from)), offset);
  }
}

function movieTimescale(bytes: Buffer, mvhd: Box): number {
  return Number(readUInt32(bytes, mvhd.body + (boxVersion(bytes, mvhd) === 1 ? 20 : 12), mvhd.end) ?? 0);
}

function copyBox(bytes: Buffer, box: Box): { bytes: Buffer; body: number } {
  return { bytes: Buffer.from(bytes.subarray(box.start, box.end)), body: box.body - box.start };
}

function topBox(bytes: Buffer, type: string): Box | undefined {
  const top = readBoxes(bytes);
  return top.ok ? top.boxes.find((box) => box.type === type) : undefined;
}

function readUInt32(bytes: Buffer, offset: number, end = bytes.length): bigint | null {
  return offset + 4 <= end ? BigInt(bytes.readUInt32BE(offset)) : null;
}

function readUInt64(bytes: Buffer, offset: number): bigint | null {
  return offset + 8 <= bytes.length ? bytes.readBigUInt64BE(offset) : null;
}

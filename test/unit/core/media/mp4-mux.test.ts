import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkBoxes, checkInitSection } from '../../../../src-main/core/media/check-segment.js';
import { childBoxes, findBox, readBoxes, type Box } from '../../../../src-main/core/media/mp4-boxes.js';
import { mergeAudioInit, muxFragments, readFragments, readInitTracks, retrackFragment } from '../../../../src-main/core/media/mp4-mux.js';

// What ffmpeg's HLS muxer writes with -hls_segment_type fmp4 for a video variant and its separate audio
// rendition (var_stream_map): both init sections use track id 1; segment 1 of each (0.5 s from 0.5 s).
const FIXTURES = join(import.meta.dirname, '../../../fixtures/separate-audio-fmp4');
const read = (name: string) => readFileSync(join(FIXTURES, name));
const VIDEO_INIT = read('video-init.mp4');
const AUDIO_INIT = read('audio-init.mp4');
const VIDEO = read('video-001.m4s');
const AUDIO = read('audio-001.m4s');

function top(bytes: Buffer): Box[] {
  const list = readBoxes(bytes);
  if (!list.ok) throw new Error(list.reason);
  return list.boxes;
}

function box(bytes: Buffer, path: string[]): Box {
  const found = findBox(bytes, top(bytes), path);
  if (!found) throw new Error(`no ${path.join('/')}`);
  return found;
}

/** The track fragments of every moof: track id, and the bytes its first run's data offset points at. */
function trackRuns(bytes: Buffer): { trackId: number; firstBytes: string }[][] {
  return top(bytes)
    .filter((candidate) => candidate.type === 'moof')
    .map((moof) =>
      childBoxes(bytes, moof)
        .filter((child) => child.type === 'traf')
        .map((traf) => {
          const children = childBoxes(bytes, traf);
          const tfhd = children.find((child) => child.type === 'tfhd')!;
          const trun = children.find((child) => child.type === 'trun')!;
          const data = moof.start + bytes.readInt32BE(trun.body + 8);
          return { trackId: bytes.readUInt32BE(tfhd.body + 4), firstBytes: bytes.subarray(data, data + 16).toString('hex') };
        }),
    );
}

function audioFragment(): { time: number; bytes: Buffer } {
  const layout = readFragments(AUDIO, readInitTracks(AUDIO_INIT)!)!;
  const fragment = layout.fragments[0]!;
  const bytes = Buffer.from(AUDIO.subarray(fragment.start, fragment.end));
  retrackFragment(bytes, 2);
  return { time: fragment.time, bytes };
}

describe('reading fMP4 init sections and fragments', () => {
  it('finds each track with its handler and timescale', () => {
    expect(readInitTracks(VIDEO_INIT)).toEqual([{ id: 1, handler: 'vide', timescale: 12288 }]);
    expect(readInitTracks(AUDIO_INIT)).toEqual([{ id: 1, handler: 'soun', timescale: 48000 }]);
    expect(readInitTracks(Buffer.from('not an init section'))).toBeNull();
  });

  it('times each fragment by its tfdt on the 90 kHz clock', () => {
    const video = readFragments(VIDEO, readInitTracks(VIDEO_INIT)!)!;
    const audio = readFragments(AUDIO, readInitTracks(AUDIO_INIT)!)!;
    expect(video.leading.map((leading) => leading.type)).toEqual(['styp', 'sidx']);
    expect(video.fragments.map((fragment) => [fragment.time, fragment.trackIds])).toEqual([[45_000, [1]]]);
    // 24 576 / 48 000 s: the AAC frame grid does not fall on 0.5 s.
    expect(audio.fragments.map((fragment) => fragment.time)).toEqual([46_080]);
  });

  it('refuses fragments it could not move: data placed by absolute file offset, or an unknown track', () => {
    const absolute = Buffer.from(VIDEO);
    const tfhd = box(absolute, ['moof', 'traf', 'tfhd']);
    absolute[tfhd.body + 3] = absolute[tfhd.body + 3]! | 0x01;
    expect(readFragments(absolute, readInitTracks(VIDEO_INIT)!)).toBeNull();
    expect(readFragments(VIDEO, [{ id: 7, handler: 'vide', timescale: 12288 }])).toBeNull();
  });
});

describe('merging an audio init section into the video one', () => {
  it('adds the sound track under the next free id, with its trex, and raises next_track_ID', () => {
    const merged = mergeAudioInit(VIDEO_INIT, AUDIO_INIT)!;
    expect(merged.audioTrackId).toBe(2);
    expect(checkInitSection(merged.bytes)).toEqual({ ok: true });
    expect(readInitTracks(merged.bytes)).toEqual([
      { id: 1, handler: 'vide', timescale: 12288 },
      { id: 2, handler: 'soun', timescale: 48000 },
    ]);
    const mvex = box(merged.bytes, ['moov', 'mvex']);
    const trexIds = childBoxes(merged.bytes, mvex).map((trex) => merged.bytes.readUInt32BE(trex.body + 4));
    expect(trexIds).toEqual([1, 2]);
    const mvhd = box(merged.bytes, ['moov', 'mvhd']);
    expect(merged.bytes.readUInt32BE(mvhd.end - 4)).toBe(3);
    // The sample description travels unchanged: the decoder gets the same AudioSpecificConfig.
    const stsd = (bytes: Buffer, index: number) => {
      const trak = childBoxes(bytes, box(bytes, ['moov'])).filter((child) => child.type === 'trak')[index]!;
      const found = findBox(bytes, childBoxes(bytes, trak), ['mdia', 'minf', 'stbl', 'stsd'])!;
      return bytes.subarray(found.start, found.end).toString('hex');
    };
    expect(stsd(merged.bytes, 1)).toBe(stsd(AUDIO_INIT, 0));
  });

  it('rescales the audio edit list to the video movie timescale when they differ', () => {
    const audio = Buffer.from(AUDIO_INIT);
    const mvhd = box(audio, ['moov', 'mvhd']);
    audio.writeUInt32BE(2000, mvhd.body + 12); // twice the video's 1000
    const elstOf = (bytes: Buffer, index: number) => {
      const trak = childBoxes(bytes, box(bytes, ['moov'])).filter((child) => child.type === 'trak')[index]!;
      const elst = findBox(bytes, childBoxes(bytes, trak), ['edts', 'elst'])!;
      return bytes.readUInt32BE(elst.body + 8);
    };
    const delay = elstOf(audio, 0);
    expect(delay).toBeGreaterThan(0);
    expect(elstOf(mergeAudioInit(VIDEO_INIT, audio)!.bytes, 1)).toBe(Math.round(delay / 2));
  });

  it('refuses a video that already has sound, and unreadable input', () => {
    const merged = mergeAudioInit(VIDEO_INIT, AUDIO_INIT)!;
    expect(mergeAudioInit(merged.bytes, AUDIO_INIT)).toBeNull();
    expect(mergeAudioInit(VIDEO_INIT, VIDEO_INIT)).toBeNull();
    expect(mergeAudioInit(VIDEO_INIT, Buffer.alloc(64))).toBeNull();
  });
});

describe('muxing audio fragments into a video segment', () => {
  it('makes one moof with both track fragments and one mdat, every data offset pointing at the same samples', () => {
    const layout = readFragments(VIDEO, readInitTracks(VIDEO_INIT)!)!;
    const sequence = { value: 41 };
    const out = muxFragments(VIDEO, layout, [audioFragment()], sequence);
    expect(checkBoxes(out, ['moof', 'mdat'])).toEqual({ ok: true });
    expect(top(out).map((found) => found.type)).toEqual(['styp', 'moof', 'mdat']);
    const [before] = trackRuns(VIDEO);
    const [audioBefore] = trackRuns(audioFragment().bytes);
    expect(trackRuns(out)).toEqual([[before![0], audioBefore![0]]]);
    expect(out.readUInt32BE(box(out, ['moof', 'mfhd']).body + 4)).toBe(42);
    expect(sequence.value).toBe(42);
    // Every byte of both mdats, nothing else: the sidx (which indexed the video alone) is dropped.
    const mdatBytes = (bytes: Buffer) => top(bytes).filter((found) => found.type === 'mdat').reduce((total, found) => total + found.end - found.body, 0);
    expect(mdatBytes(out)).toBe(mdatBytes(VIDEO) + mdatBytes(AUDIO));
  });

  it('falls back to separate moofs in decode order when a fragment does not address its data from its moof', () => {
    const layout = readFragments(VIDEO, readInitTracks(VIDEO_INIT)!)!;
    const audio = audioFragment();
    const tfhd = box(audio.bytes, ['moof', 'traf', 'tfhd']);
    audio.bytes[tfhd.body + 1] = audio.bytes[tfhd.body + 1]! & ~0x02; // clear default-base-is-moof
    const early = { ...audio, time: audio.time - 45_000 };
    const out = muxFragments(VIDEO, layout, [early], { value: 0 });
    expect(top(out).map((found) => found.type)).toEqual(['styp', 'moof', 'mdat', 'moof', 'mdat']);
    expect(trackRuns(out).map((moof) => moof.map((traf) => traf.trackId))).toEqual([[2], [1]]);
    expect(trackRuns(out).map((moof) => moof.map((traf) => traf.firstBytes))).toEqual([[trackRuns(audio.bytes)[0]![0]!.firstBytes], [trackRuns(VIDEO)[0]![0]!.firstBytes]]);
  });
});

describe('hostile fMP4 input', () => {
  /** The fixture with a few bytes overwritten: box sizes, flags and counts that lie. */
  const damaged = (bytes: Buffer) =>
    fc.array(fc.tuple(fc.nat(bytes.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }).map((edits) => {
      const copy = Buffer.from(bytes);
      for (const [offset, value] of edits) copy[offset] = value;
      return copy;
    });

  it('never throws on damaged init sections and segments: it refuses them or muxes what it can read', () => {
    fc.assert(
      fc.property(damaged(VIDEO_INIT), damaged(AUDIO_INIT), damaged(VIDEO), damaged(AUDIO), (videoInit, audioInit, video, audio) => {
        const merged = mergeAudioInit(videoInit, audioInit);
        const videoTracks = readInitTracks(videoInit);
        const audioTracks = readInitTracks(audioInit);
        const layout = videoTracks ? readFragments(video, videoTracks) : null;
        const audioLayout = audioTracks ? readFragments(audio, audioTracks) : null;
        if (!layout || !audioLayout) return;
        const fragments = audioLayout.fragments.map((fragment) => {
          const bytes = Buffer.from(audio.subarray(fragment.start, fragment.end));
          retrackFragment(bytes, merged?.audioTrackId ?? 2);
          return { time: fragment.time, bytes };
        });
        expect(muxFragments(video, layout, fragments, { value: 0 }).length).toBeGreaterThan(0);
      }),
      { numRuns: 400, seed: 20261126 },
    );
  });
});

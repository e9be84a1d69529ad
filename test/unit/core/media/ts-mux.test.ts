import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkTransportStream } from '../../../../src-main/core/media/check-segment.js';
import { firstPesTime, interleaveAudio, mapAudioProgram, splitAudioUnits, type AudioUnit } from '../../../../src-main/core/media/ts-mux.js';
import { crc32Mpeg, packetPid, pesTime, readProgramMap, startsPayloadUnit } from '../../../../src-main/core/media/ts-tables.js';
import { demoFixturesDir } from '../../../../src-main/demo/fixtures.js';

// One 1 s segment of each: what ffmpeg's HLS muxer writes for a video variant and its separate audio rendition.
const FIXTURES = join(import.meta.dirname, '../../../fixtures/separate-audio');
const VIDEO = readFileSync(join(FIXTURES, 'video.mpegts'));
const AUDIO = readFileSync(join(FIXTURES, 'audio.mpegts'));
const MUXED = readFileSync(join(demoFixturesDir(), 'a/seg-000.ts'));

const H264 = 0x1b;
const AAC = 0x0f;

function packets(bytes: Buffer): { pid: number; offset: number }[] {
  return Array.from({ length: bytes.length / 188 }, (_, index) => ({ pid: packetPid(bytes, index * 188), offset: index * 188 }));
}

function muxAll(video: Buffer, audio: Buffer): { out: Buffer; taken: number; units: number } {
  const videoProgram = readProgramMap(video)!;
  const audioProgram = mapAudioProgram(audio, videoProgram)!;
  const queue: AudioUnit[] = splitAudioUnits(audio, audioProgram, () => undefined);
  const units = queue.length;
  let taken = 0;
  const take = (until: number) => {
    const out: Buffer[] = [];
    while (queue[0] && queue[0].time <= until) {
      out.push(...queue.shift()!.packets);
      taken += 1;
    }
    return out;
  };
  const start = firstPesTime(video, videoProgram)!;
  return { out: interleaveAudio(video, videoProgram, audioProgram, take, start + 90_000)!, taken, units };
}

describe('readProgramMap', () => {
  it('reads the PMT of a video-only, an audio-only and a muxed segment', () => {
    expect(readProgramMap(VIDEO)?.streams.map((s) => [s.type, s.pid])).toEqual([[H264, 0x100]]);
    expect(readProgramMap(AUDIO)?.streams.map((s) => [s.type, s.pid])).toEqual([[AAC, 0x100]]);
    expect(readProgramMap(MUXED)?.streams.map((s) => s.type)).toEqual([H264, AAC]);
  });

  it('is null for bytes without a program (null packets, garbage)', () => {
    expect(readProgramMap(Buffer.alloc(188 * 3, 0xff))).toBeNull();
    const withoutTables = Buffer.concat(packets(VIDEO).filter((p) => p.pid === 0x100).map((p) => VIDEO.subarray(p.offset, p.offset + 188)));
    expect(readProgramMap(withoutTables)).toBeNull();
  });
});

describe('crc32Mpeg', () => {
  it('matches the CRC ffmpeg wrote after a real PMT section', () => {
    const program = readProgramMap(VIDEO)!;
    const pmtOffset = packets(VIDEO).find((p) => p.pid === program.pmtPid)!.offset;
    const sectionStart = pmtOffset + 5;
    const crc = VIDEO.readUInt32BE(sectionStart + program.section.length);
    expect(crc32Mpeg(program.section)).toBe(crc);
  });
});

describe('interleaveAudio', () => {
  it('moves the audio to a free PID when both renditions use the same one', () => {
    const audioProgram = mapAudioProgram(AUDIO, readProgramMap(VIDEO)!)!;
    expect([...audioProgram.pids]).toEqual([[0x100, 0x101]]);
  });

  it('writes a PMT listing video and audio (valid CRC) and keeps whole, valid TS packets', () => {
    const { out } = muxAll(VIDEO, AUDIO);
    expect(checkTransportStream(out)).toEqual({ ok: true });
    const program = readProgramMap(out)!;
    expect(program.streams.map((s) => [s.type, s.pid])).toEqual([
      [H264, 0x100],
      [AAC, 0x101],
    ]);
    const pmtOffset = packets(out).find((p) => p.pid === program.pmtPid)!.offset;
    expect(out.readUInt32BE(pmtOffset + 5 + program.section.length)).toBe(crc32Mpeg(program.section));
  });

  it('carries every audio packet once, each PES before the first video PES that decodes after it', () => {
    const { out, taken, units } = muxAll(VIDEO, AUDIO);
    const audioPackets = packets(AUDIO).filter((p) => p.pid === 0x100).length;
    expect(packets(out).filter((p) => p.pid === 0x101)).toHaveLength(audioPackets);
    expect(packets(out).filter((p) => p.pid === 0x100)).toHaveLength(packets(VIDEO).filter((p) => p.pid === 0x100).length);
    expect(units).toBeGreaterThan(1);
    expect(taken).toBe(units);
    let lastVideoTime = -Infinity;
    let pendingAudio: number[] = [];
    for (const { pid, offset } of packets(out)) {
      if (!startsPayloadUnit(out, offset)) continue;
      const time = pesTime(out, offset);
      if (time === null) continue;
      if (pid === 0x101) {
        expect(time).toBeGreaterThan(lastVideoTime);
        pendingAudio.push(time);
      } else {
        for (const audioTime of pendingAudio) expect(audioTime).toBeLessThanOrEqual(time);
        pendingAudio = [];
        lastVideoTime = time;
      }
    }
  });

  it('adds nothing but the PMT entry when no audio is due yet', () => {
    const videoProgram = readProgramMap(VIDEO)!;
    const audioProgram = mapAudioProgram(AUDIO, videoProgram)!;
    const out = interleaveAudio(VIDEO, videoProgram, audioProgram, () => [], 0)!;
    expect(out.length).toBe(VIDEO.length);
    expect(readProgramMap(out)?.streams).toHaveLength(2);
  });
});

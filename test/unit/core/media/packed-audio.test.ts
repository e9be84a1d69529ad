import { describe, expect, it } from 'vitest';
import { checkTransportStream } from '../../../../src-main/core/media/check-segment.js';
import { packetizeAdts, readPackedAudio } from '../../../../src-main/core/media/packed-audio.js';
import { packetPid, payloadOffset, pesTime, startsPayloadUnit } from '../../../../src-main/core/media/ts-tables.js';

/** An ADTS frame (AAC-LC, 48 kHz, mono) of `length` bytes, its payload filled with `fill`. */
function adtsFrame(length: number, fill: number): Buffer {
  const frame = Buffer.alloc(length, fill);
  frame[0] = 0xff;
  frame[1] = 0xf1;
  frame[2] = (1 << 6) | (3 << 2); // LC, 48 kHz
  frame[3] = (1 << 6) | ((length >> 11) & 0x03); // mono
  frame[4] = (length >> 3) & 0xff;
  frame[5] = ((length & 0x07) << 5) | 0x1f;
  frame[6] = 0xfc; // one raw data block
  return frame;
}

function syncsafe(value: number): Buffer {
  return Buffer.from([(value >> 21) & 0x7f, (value >> 14) & 0x7f, (value >> 7) & 0x7f, value & 0x7f]);
}

/** An ID3v2.4 tag with the HLS transport-stream timestamp PRIV frame (RFC 8216 §3.4). */
function id3(ticks: number, owner = 'com.apple.streaming.transportStreamTimestamp'): Buffer {
  const stamp = Buffer.alloc(8);
  stamp.writeBigUInt64BE(BigInt(ticks));
  const body = Buffer.concat([Buffer.from(`${owner}\0`, 'latin1'), stamp]);
  const frame = Buffer.concat([Buffer.from('PRIV'), syncsafe(body.length), Buffer.from([0, 0]), body]);
  return Buffer.concat([Buffer.from('ID3'), Buffer.from([4, 0, 0]), syncsafe(frame.length), frame]);
}

describe('readPackedAudio', () => {
  it('reads the 33-bit timestamp and where the frames start', () => {
    const tag = id3(2 ** 33 - 10);
    expect(readPackedAudio(Buffer.concat([tag, adtsFrame(100, 1)]))).toEqual({ time: 2 ** 33 - 10, framesAt: tag.length });
  });

  it('is null without an ID3 tag or without the timestamp frame', () => {
    expect(readPackedAudio(adtsFrame(100, 1))).toBeNull();
    expect(readPackedAudio(Buffer.concat([id3(90_000, 'com.example.other'), adtsFrame(100, 1)]))).toBeNull();
    expect(readPackedAudio(id3(90_000).subarray(0, 20))).toBeNull();
  });
});

describe('packetizeAdts', () => {
  const frames = [adtsFrame(300, 1), adtsFrame(150, 2), adtsFrame(184 - 14, 3)];
  const segment = Buffer.concat([id3(0), ...frames]);

  it('makes one PES per frame, timed 1024 samples apart, on whole TS packets with running counters', () => {
    const counter = { value: 14 };
    const start = 2 ** 33 - 1920; // wraps after the first frame
    const units = packetizeAdts(segment, id3(0).length, start, 0x101, counter);
    expect(units.map((unit) => unit.time)).toEqual([start, 0, 1920]);
    const bytes = Buffer.concat(units.flatMap((unit) => unit.packets));
    expect(checkTransportStream(bytes)).toEqual({ ok: true });
    const counters: number[] = [];
    const payloads: Buffer[] = [];
    for (let offset = 0; offset < bytes.length; offset += 188) {
      expect(packetPid(bytes, offset)).toBe(0x101);
      counters.push(bytes[offset + 3]! & 0x0f);
      if (startsPayloadUnit(bytes, offset)) {
        expect(pesTime(bytes, offset)).toBe(units[payloads.length]!.time);
        payloads.push(Buffer.alloc(0));
      }
      const payload = payloadOffset(bytes, offset);
      payloads[payloads.length - 1] = Buffer.concat([payloads.at(-1)!, bytes.subarray(payload, offset + 188)]);
    }
    expect(counters).toEqual(counters.map((_, index) => (14 + index) % 16));
    expect(counter.value).toBe((14 + counters.length) % 16);
    // Each PES: a 14-byte header, then exactly its ADTS frame.
    expect(payloads.map((pes) => pes.subarray(14))).toEqual(frames);
  });

  it('stops at bytes that are not a whole ADTS frame', () => {
    const cut = Buffer.concat([id3(0), frames[0]!, frames[1]!.subarray(0, 40)]);
    expect(packetizeAdts(cut, id3(0).length, 0, 0x101, { value: 0 })).toHaveLength(1);
    expect(packetizeAdts(Buffer.concat([id3(0), Buffer.from('garbage!')]), id3(0).length, 0, 0x101, { value: 0 })).toEqual([]);
  });
});

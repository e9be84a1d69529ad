import type { AudioUnit } from './ts-mux.js';
import { TS_PACKET } from './ts-tables.js';

/** MPEG-TS stream type of AAC in ADTS frames. */
export const ADTS_STREAM_TYPE = 0x0f;

const TIMESTAMP_OWNER = 'com.apple.streaming.transportStreamTimestamp';
const SAMPLE_RATES = [96_000, 88_200, 64_000, 48_000, 44_100, 32_000, 24_000, 22_050, 16_000, 12_000, 11_025, 8_000, 7_350];
const AUDIO_STREAM_ID = 0xc0;
const PES_HEADER = 14;

/**
 * A packed-audio segment (RFC 8216 §3.4) of AAC: its ID3 tag's transport-stream timestamp (90 kHz) and
 * where the ADTS frames start. Null without the timestamp — the audio could not be placed in time.
 */
export function readPackedAudio(bytes: Buffer): { time: number; framesAt: number } | null {
  if (bytes.length < 10 || bytes.toString('latin1', 0, 3) !== 'ID3') return null;
  const tagEnd = 10 + syncsafe(bytes, 6);
  if (tagEnd > bytes.length) return null;
  for (let frame = 10; frame + 10 <= tagEnd; ) {
    const id = bytes.toString('latin1', frame, frame + 4);
    const size = bytes[3] === 4 ? syncsafe(bytes, frame + 4) : bytes.readUInt32BE(frame + 4);
    const body = frame + 10;
    if (size <= 0 || body + size > tagEnd) break;
    if (id === 'PRIV' && bytes.toString('latin1', body, body + TIMESTAMP_OWNER.length) === TIMESTAMP_OWNER) {
      const stamp = body + TIMESTAMP_OWNER.length + 1;
      if (stamp + 8 > body + size) return null;
      // 33 bits, big-endian, in the last bytes of a 64-bit field.
      const time = (bytes[stamp + 3]! & 0x01) * 2 ** 32 + bytes.readUInt32BE(stamp + 4);
      return { time, framesAt: tagEnd };
    }
    frame = body + size;
  }
  return null;
}

function syncsafe(bytes: Buffer, at: number): number {
  return ((bytes[at]! & 0x7f) << 21) | ((bytes[at + 1]! & 0x7f) << 14) | ((bytes[at + 2]! & 0x7f) << 7) | (bytes[at + 3]! & 0x7f);
}

/**
 * The ADTS frames of a packed-audio segment as PES packets in TS packets on `pid`, one unit per frame,
 * timed from `time` by each frame's sample count. `counter` carries the continuity counter across
 * segments. Stops at the first byte that is not a whole ADTS frame.
 */
export function packetizeAdts(bytes: Buffer, framesAt: number, time: number, pid: number, counter: { value: number }): AudioUnit[] {
  const units: AudioUnit[] = [];
  let ticks = time;
  for (let offset = framesAt; offset + 7 <= bytes.length; ) {
    if (bytes[offset] !== 0xff || (bytes[offset + 1]! & 0xf6) !== 0xf0) break;
    const rate = SAMPLE_RATES[(bytes[offset + 2]! >> 2) & 0x0f];
    const length = ((bytes[offset + 3]! & 0x03) << 11) | (bytes[offset + 4]! << 3) | (bytes[offset + 5]! >> 5);
    if (rate === undefined || length < 7 || offset + length > bytes.length) break;
    const samples = ((bytes[offset + 6]! & 0x03) + 1) * 1024;
    units.push({ time: ticks, packets: pesPackets(pid, ticks, bytes.subarray(offset, offset + length), counter) });
    ticks = (ticks + Math.round((samples * 90_000) / rate)) % 2 ** 33;
    offset += length;
  }
  return units;
}

/** One PES packet with a PTS, cut into TS packets; the last one is padded by adaptation-field stuffing. */
function pesPackets(pid: number, pts: number, frame: Buffer, counter: { value: number }): Buffer[] {
  const pes = Buffer.alloc(PES_HEADER + frame.length);
  pes.writeUIntBE(0x000001, 0, 3);
  pes[3] = AUDIO_STREAM_ID;
  pes.writeUInt16BE(PES_HEADER - 6 + frame.length, 4);
  pes[6] = 0x80;
  pes[7] = 0x80; // PTS only
  pes[8] = 5;
  writePts(pes, 9, pts);
  frame.copy(pes, PES_HEADER);
  const packets: Buffer[] = [];
  for (let offset = 0; offset < pes.length; ) {
    const chunk = Math.min(TS_PACKET - 4, pes.length - offset);
    const packet = Buffer.alloc(TS_PACKET, 0xff);
    packet[0] = 0x47;
    packet[1] = (offset === 0 ? 0x40 : 0) | ((pid >> 8) & 0x1f);
    packet[2] = pid & 0xff;
    const stuffing = TS_PACKET - 4 - chunk;
    packet[3] = (stuffing > 0 ? 0x30 : 0x10) | counter.value;
    counter.value = (counter.value + 1) & 0x0f;
    if (stuffing > 0) {
      packet[4] = stuffing - 1; // adaptation_field_length
      if (stuffing > 1) packet[5] = 0x00; // no flags; the rest stays 0xFF stuffing
    }
    pes.copy(packet, 4 + stuffing, offset, offset + chunk);
    packets.push(packet);
    offset += chunk;
  }
  return packets;
}

/** PTS marker bits '0010', then 33 bits in 3+15+15 with marker bits; arithmetic, since PTS exceed 32 bits. */
function writePts(target: Buffer, at: number, pts: number): void {
  target[at] = 0x21 | ((Math.floor(pts / 2 ** 30) & 0x07) << 1);
  target[at + 1] = Math.floor(pts / 2 ** 22) & 0xff;
  target[at + 2] = ((Math.floor(pts / 2 ** 15) & 0x7f) << 1) | 1;
  target[at + 3] = Math.floor(pts / 2 ** 7) & 0xff;
  target[at + 4] = ((pts % 128) << 1) | 1;
}

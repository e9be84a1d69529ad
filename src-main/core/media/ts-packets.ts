import { packetPid, readProgramMap, startsPayloadUnit, TS_PACKET as PACKET } from './ts-tables.js';

const NULL_PID = 0x1fff;
const DISCONTINUITY_INDICATOR = 0x80;
const PCR_FLAG = 0x10;

interface PidStart {
  pid: number;
  /** Continuity counter the inserted packet carries, so the PID's first real packet follows it. */
  counter: number;
}

/**
 * A copy of an MPEG-TS segment that starts a new run after a splice made by the relay (a source switch, a
 * skipped segment): before the first packet of every PID an adaptation-only packet with the
 * discontinuity_indicator set, and the indicator set on the first packet carrying a PCR. Decoders then
 * reset their continuity-counter and clock expectations there (ISO/IEC 13818-1 §2.4.3.5) instead of
 * reporting corrupt packets.
 */
export function markSplice(segment: Buffer): Buffer {
  const starts: PidStart[] = [];
  const seen = new Set<number>();
  let pcrOffset = -1;
  for (let offset = 0; offset + PACKET <= segment.length; offset += PACKET) {
    const pid = packetPid(segment, offset);
    const control = segment[offset + 3]!;
    if (pcrOffset < 0 && carriesPcr(segment, offset)) pcrOffset = offset;
    if (pid === NULL_PID || seen.has(pid)) continue;
    seen.add(pid);
    const counter = control & 0x0f;
    const hasPayload = (control & 0x10) !== 0;
    // Packets without payload do not advance the counter, so ours carries the one before the real packet's.
    starts.push({ pid, counter: hasPayload ? (counter + 15) & 0x0f : counter });
  }
  const marked = Buffer.alloc(starts.length * PACKET + segment.length);
  starts.forEach((start, index) => writeDiscontinuityPacket(marked, index * PACKET, start));
  segment.copy(marked, starts.length * PACKET);
  if (pcrOffset >= 0) marked[starts.length * PACKET + pcrOffset + 5]! |= DISCONTINUITY_INDICATOR;
  return marked;
}

function carriesPcr(segment: Buffer, offset: number): boolean {
  const adaptation = (segment[offset + 3]! >> 4) & 0x3;
  return (adaptation === 2 || adaptation === 3) && segment[offset + 4]! > 0 && (segment[offset + 5]! & PCR_FLAG) !== 0;
}

function writeDiscontinuityPacket(target: Buffer, offset: number, start: PidStart): void {
  target.fill(0xff, offset, offset + PACKET);
  target[offset] = 0x47;
  target[offset + 1] = (start.pid >> 8) & 0x1f;
  target[offset + 2] = start.pid & 0xff;
  target[offset + 3] = 0x20 | start.counter; // adaptation field only
  target[offset + 4] = PACKET - 5; // adaptation_field_length: the rest of the packet
  target[offset + 5] = DISCONTINUITY_INDICATOR;
}

/**
 * The PAT and the PMT packet of a segment: an MPEG-TS "media initialization section" (RFC 8216 §4.3.2.5),
 * needed only where a playlist's earlier EXT-X-MAP (fMP4) would otherwise still apply. Null when absent.
 */
export function transportInitSection(segment: Buffer): Buffer | null {
  const program = readProgramMap(segment);
  if (!program) return null;
  const pat = firstTablePacket(segment, 0);
  const pmt = firstTablePacket(segment, program.pmtPid);
  if (pat < 0 || pmt < 0) return null;
  const init = Buffer.concat([segment.subarray(pat, pat + PACKET), segment.subarray(pmt, pmt + PACKET)]);
  // Continuity counters differ from segment to segment; the same tables must make the same init section.
  init[3]! &= 0xf0;
  init[PACKET + 3]! &= 0xf0;
  return init;
}

/** Offset of the first packet of `pid` that starts a section, or -1. */
function firstTablePacket(segment: Buffer, pid: number): number {
  for (let offset = 0; offset + PACKET <= segment.length; offset += PACKET) {
    if (packetPid(segment, offset) === pid && startsPayloadUnit(segment, offset)) return offset;
  }
  return -1;
}

/** `count` null packets (PID 0x1FFF): valid TS that players discard, to keep a connection alive. */
export function nullPackets(count: number): Buffer {
  const packets = Buffer.alloc(count * PACKET, 0xff);
  for (let index = 0; index < count; index += 1) {
    const offset = index * PACKET;
    packets[offset] = 0x47;
    packets[offset + 1] = (NULL_PID >> 8) & 0x1f;
    packets[offset + 2] = NULL_PID & 0xff;
    packets[offset + 3] = 0x10; // payload only, continuity counter 0
  }
  return packets;
}

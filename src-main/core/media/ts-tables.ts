/** Reading MPEG-TS packets and program tables (ISO/IEC 13818-1 §2.4.3, §2.4.4). */

export const TS_PACKET = 188;
const PAT_PID = 0;

/** One elementary stream entry of a PMT, with its raw bytes (type, PID, descriptors). */
export interface ProgramStream {
  type: number;
  pid: number;
  entry: Buffer;
}

export interface ProgramMap {
  pmtPid: number;
  /** The PMT section without its CRC. */
  section: Buffer;
  streams: ProgramStream[];
}

/** Stream types that carry audio: MPEG-1/2 audio, AAC (ADTS, LATM), AC-3 and E-AC-3 (ATSC). */
const AUDIO_TYPES: ReadonlySet<number> = new Set([0x03, 0x04, 0x0f, 0x11, 0x81, 0x87]);

export function isAudioStreamType(type: number): boolean {
  return AUDIO_TYPES.has(type);
}

export function packetPid(bytes: Buffer, offset: number): number {
  return ((bytes[offset + 1]! & 0x1f) << 8) | bytes[offset + 2]!;
}

export function startsPayloadUnit(bytes: Buffer, offset: number): boolean {
  return (bytes[offset + 1]! & 0x40) !== 0;
}

/** Offset of the packet's payload, or -1 when it carries none. */
export function payloadOffset(bytes: Buffer, offset: number): number {
  const control = (bytes[offset + 3]! >> 4) & 0x3;
  if ((control & 0x1) === 0) return -1;
  const start = offset + 4 + ((control & 0x2) !== 0 ? 1 + bytes[offset + 4]! : 0);
  return start < offset + TS_PACKET ? start : -1;
}

/**
 * The program map of a segment: the first program of its PAT and that program's PMT, which must fit in one
 * packet (it always does for a single program with a few streams). Null when either is missing or spread.
 */
export function readProgramMap(segment: Buffer): ProgramMap | null {
  const pat = firstSection(segment, PAT_PID, 0x00);
  if (!pat) return null;
  const patEnd = 3 + sectionLength(pat) - 4;
  let pmtPid = -1;
  for (let entry = 8; entry + 4 <= patEnd; entry += 4) {
    if (((pat[entry]! << 8) | pat[entry + 1]!) === 0) continue; // program 0 points at the NIT
    pmtPid = ((pat[entry + 2]! & 0x1f) << 8) | pat[entry + 3]!;
    break;
  }
  if (pmtPid < 0) return null;
  const pmt = firstSection(segment, pmtPid, 0x02);
  if (!pmt) return null;
  const end = 3 + sectionLength(pmt) - 4;
  const streams: ProgramStream[] = [];
  for (let entry = 12 + (((pmt[10]! & 0x0f) << 8) | pmt[11]!); entry + 5 <= end; ) {
    const infoLength = ((pmt[entry + 3]! & 0x0f) << 8) | pmt[entry + 4]!;
    const next = entry + 5 + infoLength;
    if (next > end) return null;
    streams.push({ type: pmt[entry]!, pid: ((pmt[entry + 1]! & 0x1f) << 8) | pmt[entry + 2]!, entry: Buffer.from(pmt.subarray(entry, next)) });
    entry = next;
  }
  return { pmtPid, section: Buffer.from(pmt.subarray(0, end)), streams };
}

/** A section that starts in one packet and fits in it, or null (absent, truncated, or spread over packets). */
function firstSection(segment: Buffer, pid: number, tableId: number): Buffer | null {
  for (let offset = 0; offset + TS_PACKET <= segment.length; offset += TS_PACKET) {
    if (packetPid(segment, offset) !== pid || !startsPayloadUnit(segment, offset)) continue;
    const payload = payloadOffset(segment, offset);
    if (payload < 0) return null;
    const start = payload + 1 + segment[payload]!;
    const packetEnd = offset + TS_PACKET;
    if (start + 3 > packetEnd || segment[start] !== tableId) return null;
    const section = segment.subarray(start, packetEnd);
    const length = sectionLength(section);
    return length >= 9 && 3 + length <= section.length ? section.subarray(0, 3 + length) : null;
  }
  return null;
}

function sectionLength(section: Buffer): number {
  return ((section[1]! & 0x0f) << 8) | section[2]!;
}

/** A PMT section (without CRC) completed: new length, the CRC appended. */
export function finishSection(body: Buffer): Buffer {
  const section = Buffer.concat([body, Buffer.alloc(4)]);
  const length = section.length - 3;
  section[1] = (section[1]! & 0xf0) | ((length >> 8) & 0x0f);
  section[2] = length & 0xff;
  section.writeUInt32BE(crc32Mpeg(section.subarray(0, section.length - 4)), section.length - 4);
  return section;
}

/** One packet carrying a whole section: payload unit start, pointer field 0, stuffed with 0xFF. */
export function sectionPacket(pid: number, counter: number, section: Buffer): Buffer | null {
  if (5 + section.length > TS_PACKET) return null;
  const packet = Buffer.alloc(TS_PACKET, 0xff);
  packet[0] = 0x47;
  packet[1] = 0x40 | ((pid >> 8) & 0x1f);
  packet[2] = pid & 0xff;
  packet[3] = 0x10 | (counter & 0x0f);
  packet[4] = 0;
  section.copy(packet, 5);
  return packet;
}

/** Decoding time of the PES that starts in this packet (DTS, else PTS), in 90 kHz ticks; null without one. */
export function pesTime(bytes: Buffer, offset: number): number | null {
  const payload = payloadOffset(bytes, offset);
  if (payload < 0 || payload + 14 > offset + TS_PACKET) return null;
  if (bytes[payload] !== 0 || bytes[payload + 1] !== 0 || bytes[payload + 2] !== 1) return null;
  const flags = bytes[payload + 7]! >> 6;
  if (flags === 3 && payload + 19 <= offset + TS_PACKET) return timestamp(bytes, payload + 14);
  return flags >= 2 ? timestamp(bytes, payload + 9) : null;
}

function timestamp(bytes: Buffer, at: number): number {
  return (
    (bytes[at]! & 0x0e) * 2 ** 29 + (bytes[at + 1]! << 22) + ((bytes[at + 2]! & 0xfe) << 14) + (bytes[at + 3]! << 7) + (bytes[at + 4]! >> 1)
  );
}

const WRAP = 2 ** 33;

/** `a - b` for 33-bit timestamps that may have wrapped, in (-2^32, 2^32]. */
export function timeDifference(a: number, b: number): number {
  const difference = (((a - b) % WRAP) + WRAP) % WRAP;
  return difference > WRAP / 2 ? difference - WRAP : difference;
}

let crcTable: Uint32Array | null = null;

/** CRC-32/MPEG-2 of PSI sections (polynomial 0x04C11DB7, not reflected). */
export function crc32Mpeg(bytes: Uint8Array): number {
  crcTable ??= buildCrcTable();
  let crc = 0xffffffff;
  for (const byte of bytes) crc = ((crc << 8) ^ crcTable[((crc >>> 24) ^ byte) & 0xff]!) >>> 0;
  return crc;
}

function buildCrcTable(): Uint32Array {
  const table = new Uint32Array(256);
  for (let index = 0; index < 256; index += 1) {
    let crc = index << 24;
    for (let bit = 0; bit < 8; bit += 1) crc = crc & 0x80000000 ? (crc << 1) ^ 0x04c11db7 : crc << 1;
    table[index] = crc >>> 0;
  }
  return table;
}

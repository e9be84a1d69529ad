import { boxType, readBoxes } from './mp4-boxes.js';

/** Container checks run on every downloaded segment before it is stored; a failing segment is never served. */
export type SegmentCheck = { ok: true } | { ok: false; reason: string };

export type Container = 'ts' | 'fmp4' | 'packed-audio';

const TS_PACKET = 188;
const TS_SYNC = 0x47;

/** MPEG-TS: whole 188-byte packets, sync byte 0x47 on each, transport error indicator clear. */
export function checkTransportStream(bytes: Uint8Array): SegmentCheck {
  if (bytes.length < TS_PACKET) return { ok: false, reason: `only ${bytes.length} bytes, less than one TS packet` };
  if (bytes.length % TS_PACKET !== 0) {
    return { ok: false, reason: `${bytes.length} bytes is not a whole number of 188-byte TS packets` };
  }
  for (let offset = 0; offset < bytes.length; offset += TS_PACKET) {
    if (bytes[offset] !== TS_SYNC) {
      return { ok: false, reason: `sync byte missing in packet ${offset / TS_PACKET} (offset ${offset})` };
    }
    if ((bytes[offset + 1]! & 0x80) !== 0) {
      return { ok: false, reason: `transport error indicator set in packet ${offset / TS_PACKET}` };
    }
  }
  return { ok: true };
}

/** ISO BMFF (fMP4/CMAF): top-level boxes tile the data exactly; `required` boxes are present. */
export function checkBoxes(bytes: Uint8Array, required: readonly string[]): SegmentCheck {
  const list = readBoxes(bytes);
  if (!list.ok) return list;
  const seen = new Set(list.boxes.map((box) => box.type));
  const missing = required.filter((type) => !seen.has(type));
  return missing.length === 0 ? { ok: true } : { ok: false, reason: `missing box ${missing.map((t) => `'${t}'`).join(', ')}` };
}

/** Packed audio (audio-only HLS): an ID3 tag or an ADTS frame at the start. */
export function checkPackedAudio(bytes: Uint8Array): SegmentCheck {
  const id3 = bytes[0] === 0x49 && bytes[1] === 0x44 && bytes[2] === 0x33;
  const adts = bytes[0] === 0xff && ((bytes[1] ?? 0) & 0xf0) === 0xf0;
  return id3 || adts ? { ok: true } : { ok: false, reason: 'neither an ID3 tag nor an ADTS frame at the start' };
}

/** Which check a segment gets: fMP4 when the playlist maps an init section, otherwise by its first bytes. */
export function detectContainer(bytes: Uint8Array, hasInitSection: boolean): Container {
  if (hasInitSection) return 'fmp4';
  if (bytes[0] === TS_SYNC) return 'ts';
  if (bytes.length >= 3 && (bytes[0] === 0x49 || bytes[0] === 0xff)) return 'packed-audio';
  if (bytes.length >= 8 && boxType(bytes, 4) !== null) return 'fmp4';
  return 'ts';
}

/** Checks a media segment for its container. */
export function checkMediaSegment(bytes: Uint8Array, container: Container): SegmentCheck {
  switch (container) {
    case 'ts':
      return checkTransportStream(bytes);
    case 'fmp4':
      return checkBoxes(bytes, ['moof', 'mdat']);
    case 'packed-audio':
      return checkPackedAudio(bytes);
  }
}

/** Checks an fMP4 initialisation section. */
export function checkInitSection(bytes: Uint8Array): SegmentCheck {
  return checkBoxes(bytes, ['ftyp', 'moov']);
}

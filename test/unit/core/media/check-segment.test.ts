import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  checkBoxes,
  checkInitSection,
  checkMediaSegment,
  checkPackedAudio,
  checkTransportStream,
  detectContainer,
} from '../../../../src-main/core/media/check-segment.js';
import { demoFixturesDir } from '../../../../src-main/demo/fixtures.js';

function fixture(path: string): Buffer {
  return readFileSync(join(demoFixturesDir(), path));
}

const TS_NAMES = Array.from({ length: 40 }, (_, index) => `a/seg-${String(index).padStart(3, '0')}.ts`);
const M4S_NAMES = Array.from({ length: 20 }, (_, index) => `f/seg-${String(index).padStart(3, '0')}.m4s`);
const TS = fixture('a/seg-000.ts');
const INIT = fixture('f/init.mp4');
const M4S = fixture('f/seg-000.m4s');

function copy(bytes: Buffer, change: (bytes: Buffer) => void): Buffer {
  const changed = Buffer.from(bytes);
  change(changed);
  return changed;
}

/** An ISO BMFF box: 32-bit size, or size 1 with a 64-bit largesize when `large`. */
function box(type: string, payload: Buffer, options: { large?: boolean; sizeField?: number; largeSize?: bigint } = {}): Buffer {
  if (options.large) {
    const header = Buffer.alloc(16);
    header.writeUInt32BE(1, 0);
    header.write(type, 4, 'latin1');
    header.writeBigUInt64BE(options.largeSize ?? BigInt(16 + payload.length), 8);
    return Buffer.concat([header, payload]);
  }
  const header = Buffer.alloc(8);
  header.writeUInt32BE(options.sizeField ?? 8 + payload.length, 0);
  header.write(type, 4, 'latin1');
  return Buffer.concat([header, payload]);
}

const MOOF = box('moof', Buffer.alloc(40, 1));
const MDAT = box('mdat', Buffer.alloc(100, 2));

describe('checkTransportStream (ISO/IEC 13818-1 §2.4.3)', () => {
  it.each(TS_NAMES)('accepts the recorded segment %s', (name) => {
    expect(checkTransportStream(fixture(name))).toEqual({ ok: true });
  });

  it.each<[string, Buffer, RegExp]>([
    ['an empty body', Buffer.alloc(0), /less than one TS packet/],
    ['less than one packet', TS.subarray(0, 100), /less than one TS packet/],
    ['a body one byte short', TS.subarray(0, TS.length - 1), /not a whole number of 188-byte/],
    ['a body with one extra byte', Buffer.concat([TS, Buffer.from([0x47])]), /not a whole number/],
    ['a body shifted by one byte', Buffer.concat([Buffer.from([0]), TS.subarray(0, TS.length - 1)]), /sync byte missing in packet 0/],
    ['a lost sync byte in the middle', copy(TS, (b) => (b[188 * 17] = 0x48)), /sync byte missing in packet 17 \(offset 3196\)/],
    ['a lost sync byte in the last packet', copy(TS, (b) => (b[b.length - 188] = 0)), new RegExp(`packet ${TS.length / 188 - 1}`)],
    ['the transport error indicator', copy(TS, (b) => (b[188 * 5 + 1]! |= 0x80)), /transport error indicator set in packet 5/],
    ['an HTML error page', Buffer.from(`<html><body>${'x'.repeat(364)}</body></html>`.slice(0, 376)), /sync byte missing in packet 0/],
  ])('rejects %s', (_name, bytes, reason) => {
    const check = checkTransportStream(bytes);
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.reason).toMatch(reason);
  });
});

describe('checkBoxes (ISO/IEC 14496-12 §4.2)', () => {
  it('accepts the recorded init section', () => {
    expect(checkInitSection(INIT)).toEqual({ ok: true });
  });

  it.each(M4S_NAMES)('accepts the recorded segment %s', (name) => {
    expect(checkMediaSegment(fixture(name), 'fmp4')).toEqual({ ok: true });
  });

  it('reads a segment that is a view into a larger buffer (pooled Buffers have a byteOffset)', () => {
    const inside = Buffer.concat([Buffer.alloc(13, 0xee), M4S]).subarray(13);
    expect(inside.byteOffset).toBe(13);
    expect(checkMediaSegment(inside, 'fmp4')).toEqual({ ok: true });
  });

  it.each<[string, Buffer, boolean]>([
    ['32-bit sizes', Buffer.concat([MOOF, MDAT]), true],
    ['a 64-bit largesize (size 1)', Buffer.concat([MOOF, box('mdat', Buffer.alloc(100), { large: true })]), true],
    ['size 0: the last box runs to the end of the data', Buffer.concat([MOOF, box('mdat', Buffer.alloc(100), { sizeField: 0 })]), true],
    ['size 0 on the first box swallows the rest, so mdat is missing', Buffer.concat([box('moof', Buffer.alloc(40), { sizeField: 0 }), MDAT]), false],
    ['a largesize past the end', Buffer.concat([MOOF, box('mdat', Buffer.alloc(100), { large: true, largeSize: 117n })]), false],
    ['a largesize beyond 2^53', Buffer.concat([MOOF, box('mdat', Buffer.alloc(100), { large: true, largeSize: 2n ** 60n })]), false],
    ['a largesize header cut short', Buffer.concat([MOOF, box('mdat', Buffer.alloc(100), { large: true }).subarray(0, 12)]), false],
    ['a size below the 8-byte header', Buffer.concat([MOOF, box('mdat', Buffer.alloc(100), { sizeField: 4 })]), false],
    ['a last box cut short', Buffer.concat([MOOF, MDAT]).subarray(0, 140), false],
    ['trailing bytes that cannot hold a box header', Buffer.concat([MOOF, MDAT, Buffer.alloc(5)]), false],
    ['an unreadable box type', Buffer.concat([MOOF, box('md\u0001t', Buffer.alloc(10))]), false],
    ['moof without mdat', MOOF, false],
    ['mdat without moof', MDAT, false],
    ['an empty body', Buffer.alloc(0), false],
  ])('media segment with %s → ok %s', (_name, bytes, ok) => {
    expect(checkMediaSegment(bytes, 'fmp4').ok).toBe(ok);
  });

  it('names what is missing', () => {
    expect(checkBoxes(MOOF, ['moof', 'mdat'])).toEqual({ ok: false, reason: "missing box 'mdat'" });
    expect(checkInitSection(M4S)).toEqual({ ok: false, reason: "missing box 'ftyp', 'moov'" });
  });

  it('rejects the init section as a media segment, and a recorded segment cut anywhere', () => {
    expect(checkMediaSegment(INIT, 'fmp4').ok).toBe(false);
    for (const cut of [1, 8, 100, M4S.length - 1]) expect(checkMediaSegment(M4S.subarray(0, M4S.length - cut), 'fmp4').ok).toBe(false);
  });

  it('accepts the © box types of QuickTime metadata', () => {
    expect(checkBoxes(Buffer.concat([box('\u00a9too', Buffer.alloc(4)), MOOF, MDAT]), ['moof', 'mdat'])).toEqual({ ok: true });
  });
});

describe('checkPackedAudio (RFC 8216 §3.4)', () => {
  it.each<[string, number[], boolean]>([
    ['an ID3 tag', [0x49, 0x44, 0x33, 4, 0], true],
    ['an ADTS frame (MPEG-4)', [0xff, 0xf1, 0x50, 0x80], true],
    ['an ADTS frame (MPEG-2)', [0xff, 0xf9, 0x50, 0x80], true],
    ['an MPEG-TS packet', [0x47, 0x40, 0x00, 0x10], false],
    ['0xFF without the frame sync', [0xff, 0x00], false],
    ['"ID" alone', [0x49, 0x44], false],
    ['nothing', [], false],
  ])('%s → ok %s', (_name, bytes, ok) => {
    expect(checkPackedAudio(Buffer.from(bytes)).ok).toBe(ok);
  });
});

describe('detectContainer', () => {
  it.each<[string, Buffer, boolean, string]>([
    ['a TS segment', TS, false, 'ts'],
    ['an fMP4 segment listed with EXT-X-MAP', M4S, true, 'fmp4'],
    ['an fMP4 segment without EXT-X-MAP (styp first)', M4S, false, 'fmp4'],
    ['moof first', Buffer.concat([MOOF, MDAT]), false, 'fmp4'],
    ['anything listed with EXT-X-MAP', TS, true, 'fmp4'],
    ['ID3-tagged AAC', Buffer.from([0x49, 0x44, 0x33, 4, 0, 0, 0, 0, 0, 0]), false, 'packed-audio'],
    ['raw ADTS', Buffer.from([0xff, 0xf1, 0x50, 0x80, 0, 0]), false, 'packed-audio'],
    ['noise', Buffer.from([1, 2, 3]), false, 'ts'],
    ['nothing', Buffer.alloc(0), false, 'ts'],
  ])('%s (map: %s) → %s', (_name, bytes, hasInit, container) => {
    expect(detectContainer(bytes, hasInit)).toBe(container);
  });

  it.each([
    ['an HTML error page', Buffer.from('<!DOCTYPE html><html><head><title>404 Not Found</title></head><body>gone</body></html>')],
    ['a JSON error', Buffer.from('{"error":"token expired","code":403}')],
    ['a playlist served in place of a segment', Buffer.from('#EXTM3U\n#EXT-X-TARGETDURATION:2\n')],
    ['zeros', Buffer.alloc(188 * 4)],
  ])('rejects %s whatever container it is taken for', (_name, bytes) => {
    for (const hasInit of [false, true]) expect(checkMediaSegment(bytes, detectContainer(bytes, hasInit)).ok).toBe(false);
  });
});

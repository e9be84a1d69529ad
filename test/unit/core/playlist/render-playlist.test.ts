import { describe, expect, it } from 'vitest';
import type { PlaylistWindow } from '../../../../src-main/core/buffer/segment-buffer.js';
import type { StoredSegment } from '../../../../src-main/core/buffer/stored-segment.js';
import { parsePlaylist } from '../../../../src-main/core/playlist/parse-playlist.js';
import { formatDuration, initPath, keyPath, renderPlaylist, segmentPath } from '../../../../src-main/core/playlist/render-playlist.js';

const T0 = Date.parse('2025-03-01T12:00:00.000Z');
const IV_A = Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex');
const IV_B = Buffer.from('ffeeddccbbaa99887766554433221100', 'hex');

function segment(seq: number, extra: Partial<StoredSegment> = {}): StoredSegment {
  return {
    seq,
    bytes: Buffer.alloc(188),
    duration: 2,
    discontinuity: false,
    programDateTime: T0 + seq * 2000,
    container: 'ts',
    sourceId: 'a',
    upstreamMsn: 1000 + seq,
    storedAt: T0,
    downloadMs: 100,
    ...extra,
  };
}

function windowOf(segments: StoredSegment[], extra: Partial<PlaylistWindow> = {}): PlaylistWindow {
  return { segments, mediaSequence: segments[0]?.seq ?? 0, discontinuitySequence: 0, targetDuration: 2, ...extra };
}

/** The rendered lines without the five header lines. */
function body(text: string): string[] {
  return text.trimEnd().split('\n').slice(5);
}

describe('renderPlaylist (RFC 8216 §4.3)', () => {
  it('writes the header: version 3, target duration, media and discontinuity sequence', () => {
    const text = renderPlaylist('news', windowOf([segment(40), segment(41)], { mediaSequence: 40, discontinuitySequence: 3, targetDuration: 6 }));
    expect(text.split('\n').slice(0, 5)).toEqual([
      '#EXTM3U',
      '#EXT-X-VERSION:3',
      '#EXT-X-TARGETDURATION:6',
      '#EXT-X-MEDIA-SEQUENCE:40',
      '#EXT-X-DISCONTINUITY-SEQUENCE:3',
    ]);
    expect(text.endsWith('\n')).toBe(true);
  });

  it('lists each segment with its date-time, exact EXTINF and route, never ENDLIST (the relay outlives sources)', () => {
    const text = renderPlaylist('news', windowOf([segment(7, { duration: 2.002 }), segment(8, { duration: 1.5 })]));
    expect(body(text)).toEqual([
      '#EXT-X-PROGRAM-DATE-TIME:2025-03-01T12:00:14.000Z',
      '#EXTINF:2.002,',
      '/stream/news/segments/7.ts',
      '#EXT-X-PROGRAM-DATE-TIME:2025-03-01T12:00:16.000Z',
      '#EXTINF:1.500,',
      '/stream/news/segments/8.ts',
    ]);
    expect(text).not.toContain('ENDLIST');
  });

  it('writes an empty window as a header only', () => {
    expect(renderPlaylist('news', windowOf([], { mediaSequence: 12, targetDuration: 0 }))).toBe(
      '#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:0\n#EXT-X-MEDIA-SEQUENCE:12\n#EXT-X-DISCONTINUITY-SEQUENCE:0\n',
    );
  });

  it('writes EXT-X-DISCONTINUITY right before the segment that starts a new run (§4.3.2.3)', () => {
    const lines = body(renderPlaylist('news', windowOf([segment(1), segment(2, { discontinuity: true }), segment(3), segment(4, { discontinuity: true })])));
    const marks = lines.flatMap((line, index) => (line === '#EXT-X-DISCONTINUITY' ? [lines.slice(index + 1).find((next) => next.startsWith('/stream/'))] : []));
    expect(marks).toEqual(['/stream/news/segments/2.ts', '/stream/news/segments/4.ts']);
  });

  it('marks a window that starts with a discontinuity too', () => {
    expect(body(renderPlaylist('news', windowOf([segment(5, { discontinuity: true })])))[0]).toBe('#EXT-X-DISCONTINUITY');
  });

  it.each([
    ['ts', '/stream/news/segments/9.ts'],
    ['fmp4', '/stream/news/segments/9.m4s'],
    ['packed-audio', '/stream/news/segments/9.aac'],
  ] as const)('names %s segments %s', (container, path) => {
    expect(segmentPath('news', { seq: 9, container })).toBe(path);
  });

  it('encodes the channel id in every route', () => {
    expect(segmentPath('a b/c?', { seq: 1, container: 'ts' })).toBe('/stream/a%20b%2Fc%3F/segments/1.ts');
    expect(initPath('a b', 2)).toBe('/stream/a%20b/init/2.mp4');
    expect(keyPath('a b', 3)).toBe('/stream/a%20b/keys/3.key');
  });

  describe('keys (§4.3.2.4)', () => {
    const encrypted = (seq: number, iv: Buffer, keyId = 1, extra: Partial<StoredSegment> = {}) =>
      segment(seq, { encryption: { method: 'AES-128', keyId, iv }, ...extra });

    it('writes the key with an explicit IV: relay sequence numbers are not the upstream ones (§5.2)', () => {
      expect(body(renderPlaylist('news', windowOf([encrypted(3, IV_A)])))[0]).toBe(
        '#EXT-X-KEY:METHOD=AES-128,URI="/stream/news/keys/1.key",IV=0x000102030405060708090a0b0c0d0e0f',
      );
    });

    it('repeats nothing while key and IV stay the same, and writes a new KEY when the IV or key changes', () => {
      const lines = body(renderPlaylist('news', windowOf([encrypted(1, IV_A), encrypted(2, IV_A), encrypted(3, IV_B), encrypted(4, IV_B, 2)])));
      expect(lines.filter((line) => line.startsWith('#EXT-X-KEY'))).toEqual([
        '#EXT-X-KEY:METHOD=AES-128,URI="/stream/news/keys/1.key",IV=0x000102030405060708090a0b0c0d0e0f',
        '#EXT-X-KEY:METHOD=AES-128,URI="/stream/news/keys/1.key",IV=0xffeeddccbbaa99887766554433221100',
        '#EXT-X-KEY:METHOD=AES-128,URI="/stream/news/keys/2.key",IV=0xffeeddccbbaa99887766554433221100',
      ]);
      // Each KEY precedes the first segment it applies to.
      expect(lines.indexOf('/stream/news/segments/2.ts')).toBeLessThan(lines.indexOf('#EXT-X-KEY:METHOD=AES-128,URI="/stream/news/keys/1.key",IV=0xffeeddccbbaa99887766554433221100'));
    });

    it('writes METHOD=NONE before a clear segment that follows encrypted ones', () => {
      const lines = body(renderPlaylist('news', windowOf([encrypted(1, IV_A), segment(2, { discontinuity: true }), segment(3)])));
      expect(lines.filter((line) => line.startsWith('#EXT-X-KEY'))).toEqual([
        '#EXT-X-KEY:METHOD=AES-128,URI="/stream/news/keys/1.key",IV=0x000102030405060708090a0b0c0d0e0f',
        '#EXT-X-KEY:METHOD=NONE',
      ]);
      expect(lines.indexOf('#EXT-X-KEY:METHOD=NONE')).toBeLessThan(lines.indexOf('/stream/news/segments/2.ts'));
      expect(lines.indexOf('#EXT-X-KEY:METHOD=NONE')).toBeGreaterThan(lines.indexOf('/stream/news/segments/1.ts'));
    });

    it('lists an fMP4 init section before the key, so no player decrypts the (clear) init section with it', () => {
      const fmp4 = (seq: number, extra: Partial<StoredSegment> = {}) => encrypted(seq, IV_A, 1, { container: 'fmp4', initId: 0, ...extra });
      const lines = body(renderPlaylist('news', windowOf([fmp4(1), segment(2, { container: 'fmp4', initId: 0, discontinuity: true }), fmp4(3)])));
      expect(lines.filter((line) => line.startsWith('#EXT-X-KEY') || line.startsWith('#EXT-X-MAP'))).toEqual([
        '#EXT-X-MAP:URI="/stream/news/init/0.mp4"',
        '#EXT-X-KEY:METHOD=AES-128,URI="/stream/news/keys/1.key",IV=0x000102030405060708090a0b0c0d0e0f',
        '#EXT-X-MAP:URI="/stream/news/init/0.mp4"',
        '#EXT-X-KEY:METHOD=NONE',
        '#EXT-X-KEY:METHOD=AES-128,URI="/stream/news/keys/1.key",IV=0x000102030405060708090a0b0c0d0e0f',
      ]);
    });

    it('writes no KEY at all for a clear stream', () => {
      expect(renderPlaylist('news', windowOf([segment(1), segment(2, { discontinuity: true })]))).not.toContain('#EXT-X-KEY');
    });

    it('never writes KEYFORMAT: only identity keys are relayed, and identity is the default', () => {
      const text = renderPlaylist('news', windowOf([segment(1, { encryption: { method: 'SAMPLE-AES', keyId: 4, iv: IV_A } })]));
      expect(text).toContain('#EXT-X-KEY:METHOD=SAMPLE-AES,URI="/stream/news/keys/4.key",IV=0x000102030405060708090a0b0c0d0e0f\n');
      expect(text).not.toContain('KEYFORMAT');
    });
  });

  describe('init sections (§4.3.2.5)', () => {
    const fmp4 = (seq: number, initId: number, extra: Partial<StoredSegment> = {}) => segment(seq, { container: 'fmp4', initId, ...extra });

    it('needs version 6 for EXT-X-MAP in a media playlist (§7)', () => {
      expect(renderPlaylist('news', windowOf([fmp4(1, 0)]))).toContain('#EXT-X-VERSION:6\n');
    });

    it('writes the MAP once for a run, again after each discontinuity and when the init section changes', () => {
      const lines = body(renderPlaylist('news', windowOf([fmp4(1, 0), fmp4(2, 0), fmp4(3, 0, { discontinuity: true }), fmp4(4, 1), fmp4(5, 1)])));
      const mapBefore = (path: string) => {
        const index = lines.indexOf(path);
        const previousSegment = lines.slice(0, index).findLastIndex((line) => line.startsWith('/stream/'));
        return lines.slice(previousSegment + 1, index).find((line) => line.startsWith('#EXT-X-MAP')) ?? null;
      };
      expect(['1', '2', '3', '4', '5'].map((seq) => mapBefore(`/stream/news/segments/${seq}.m4s`))).toEqual([
        '#EXT-X-MAP:URI="/stream/news/init/0.mp4"',
        null,
        '#EXT-X-MAP:URI="/stream/news/init/0.mp4"',
        '#EXT-X-MAP:URI="/stream/news/init/1.mp4"',
        null,
      ]);
      // DISCONTINUITY comes before the MAP it forces.
      const discontinuity = lines.indexOf('#EXT-X-DISCONTINUITY');
      expect(lines[discontinuity + 1]).toBe('#EXT-X-MAP:URI="/stream/news/init/0.mp4"');
    });
  });

  it('writes program date-times as ISO 8601 with milliseconds and Z (§4.3.2.6)', () => {
    const text = renderPlaylist('news', windowOf([segment(0, { programDateTime: Date.UTC(2024, 1, 29, 23, 59, 59, 7) })]));
    expect(text).toContain('#EXT-X-PROGRAM-DATE-TIME:2024-02-29T23:59:59.007Z\n');
  });

  it('round-trips through a parser: numbering, durations, discontinuities, keys and IVs survive', () => {
    const segments = [
      segment(20, { duration: 2.002 }),
      segment(21, { duration: 1.001, encryption: { method: 'AES-128', keyId: 1, iv: IV_A }, discontinuity: true }),
      segment(22, { duration: 0.5, encryption: { method: 'AES-128', keyId: 1, iv: IV_B } }),
      segment(23, { duration: 2, discontinuity: true }),
    ];
    const parsed = parsePlaylist(renderPlaylist('news', windowOf(segments, { discontinuitySequence: 5, targetDuration: 3 })), 'http://127.0.0.1:5000/stream/news');
    if (parsed.kind !== 'media') throw new Error('expected a media playlist');
    expect(parsed).toMatchObject({ mediaSequence: 20, discontinuitySequence: 5, targetDuration: 3, endList: false });
    expect(parsed.segments.map((s) => [s.msn, s.duration, s.discontinuity, s.key?.iv?.toString('hex') ?? null, s.uri])).toEqual([
      [20, 2.002, false, null, 'http://127.0.0.1:5000/stream/news/segments/20.ts'],
      [21, 1.001, true, IV_A.toString('hex'), 'http://127.0.0.1:5000/stream/news/segments/21.ts'],
      [22, 0.5, false, IV_B.toString('hex'), 'http://127.0.0.1:5000/stream/news/segments/22.ts'],
      [23, 2, true, null, 'http://127.0.0.1:5000/stream/news/segments/23.ts'],
    ]);
  });
});

describe('formatDuration', () => {
  it.each([
    [0.5, '0.500'],
    [2.002, '2.002'],
    [6, '6.000'],
    [0.0416667, '0.041667'],
    [10.010000000001, '10.010'],
    [5.005, '5.005'],
    [1 / 3, '0.333333'],
    [0.1 + 0.2, '0.300'],
    [2.0000004, '2.000'],
    [9.87654321, '9.876543'],
    [3600.25, '3600.250'],
    [0, '0.000'],
  ])('%d → %j', (seconds, expected) => {
    expect(formatDuration(seconds)).toBe(expected);
  });
});

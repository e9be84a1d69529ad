import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RelayError } from '../../../../src-main/core/errors.js';
import { parsePlaylist } from '../../../../src-main/core/playlist/parse-playlist.js';
import type { MasterPlaylist, MediaPlaylist, Playlist } from '../../../../src-main/core/playlist/playlist-types.js';
import { demoFixturesDir } from '../../../../src-main/demo/fixtures.js';

const BASE = 'https://provider.example/live/ch1/index.m3u8?token=xyz';

function lines(...text: string[]): string {
  return `${text.join('\n')}\n`;
}

function media(text: string, base = BASE): MediaPlaylist {
  const playlist = parsePlaylist(text, base);
  if (playlist.kind !== 'media') throw new Error(`expected a media playlist, got ${playlist.kind}`);
  return playlist;
}

function master(text: string, base = BASE): MasterPlaylist {
  const playlist = parsePlaylist(text, base);
  if (playlist.kind !== 'master') throw new Error(`expected a master playlist, got ${playlist.kind}`);
  return playlist;
}

/** The RelayError code parsePlaylist throws for `text`, or 'none'. Anything but a RelayError fails. */
function rejection(text: string): string {
  try {
    parsePlaylist(text, BASE);
    return 'none';
  } catch (error) {
    expect(error).toBeInstanceOf(RelayError);
    return (error as RelayError).code;
  }
}

const LIVE = lines(
  '#EXTM3U',
  '#EXT-X-VERSION:3',
  '#EXT-X-TARGETDURATION:6',
  '#EXT-X-MEDIA-SEQUENCE:2680',
  '#EXT-X-DISCONTINUITY-SEQUENCE:4',
  '#EXTINF:5.005,',
  'seg2680.ts',
  '#EXTINF:5.005,title',
  'seg2681.ts?token=abc',
  '#EXT-X-DISCONTINUITY',
  '#EXTINF:4.5,',
  '/abs/seg2682.ts',
  '#EXTINF:6,',
  'https://cdn2.example/path/seg2683.ts',
);

describe('parsePlaylist: media playlists (RFC 8216 §4.3.3, §4.3.2)', () => {
  it('reads the header tags: target duration, media and discontinuity sequence, no ENDLIST', () => {
    const playlist = media(LIVE);
    expect(playlist).toMatchObject({ kind: 'media', targetDuration: 6, mediaSequence: 2680, discontinuitySequence: 4, endList: false });
  });

  it('numbers segments from EXT-X-MEDIA-SEQUENCE (§4.3.3.2) and keeps exact EXTINF durations', () => {
    const playlist = media(LIVE);
    expect(playlist.segments.map((segment) => [segment.msn, segment.duration])).toEqual([
      [2680, 5.005],
      [2681, 5.005],
      [2682, 4.5],
      [2683, 6],
    ]);
  });

  it('marks only the segment after EXT-X-DISCONTINUITY (§4.3.2.3)', () => {
    expect(media(LIVE).segments.map((segment) => segment.discontinuity)).toEqual([false, false, true, false]);
  });

  it('resolves relative, root-relative, absolute and query URIs against the playlist URL (§4.1, RFC 3986)', () => {
    expect(media(LIVE).segments.map((segment) => segment.uri)).toEqual([
      'https://provider.example/live/ch1/seg2680.ts',
      'https://provider.example/live/ch1/seg2681.ts?token=abc',
      'https://provider.example/abs/seg2682.ts',
      'https://cdn2.example/path/seg2683.ts',
    ]);
  });

  it.each([
    ['../other/seg.ts', 'https://provider.example/live/other/seg.ts'],
    ['//cdn3.example/seg.ts', 'https://cdn3.example/seg.ts'],
    ['seg%20one.ts', 'https://provider.example/live/ch1/seg%20one.ts'],
    ['?seg=5', 'https://provider.example/live/ch1/index.m3u8?seg=5'],
    ['http://plain.example:8080/a.ts', 'http://plain.example:8080/a.ts'],
  ])('resolves %j to %j', (uri, expected) => {
    expect(media(lines('#EXTM3U', '#EXT-X-TARGETDURATION:2', '#EXTINF:2,', uri)).segments[0]!.uri).toBe(expected);
  });

  it('sees EXT-X-ENDLIST (§4.3.3.4)', () => {
    expect(media(`${LIVE}#EXT-X-ENDLIST\n`).endList).toBe(true);
  });

  it('defaults the media and discontinuity sequence to 0 (§4.3.3.2, §4.3.3.3)', () => {
    const playlist = media(lines('#EXTM3U', '#EXT-X-TARGETDURATION:4', '#EXTINF:4,', 'a.ts', '#EXTINF:4,', 'b.ts'));
    expect([playlist.mediaSequence, playlist.discontinuitySequence]).toEqual([0, 0]);
    expect(playlist.segments.map((segment) => segment.msn)).toEqual([0, 1]);
  });

  it('ignores a media sequence that is not a whole number', () => {
    expect(media(lines('#EXTM3U', '#EXT-X-TARGETDURATION:4', '#EXT-X-MEDIA-SEQUENCE:abc', '#EXTINF:4,', 'a.ts')).mediaSequence).toBe(0);
  });

  it('derives the target duration from the longest segment when the tag is 0 (ffmpeg VOD output)', () => {
    const text = readFileSync(join(demoFixturesDir(), 'a', 'index.m3u8'), 'utf8');
    const playlist = media(text, 'http://127.0.0.1:9/a/index.m3u8');
    expect(playlist.targetDuration).toBe(1);
    expect(playlist.endList).toBe(true);
    expect(playlist.segments).toHaveLength(40);
    expect(playlist.segments[39]).toMatchObject({ msn: 39, duration: 0.5, uri: 'http://127.0.0.1:9/a/seg-039.ts' });
  });

  it('reads program date-times (§4.3.2.6) and carries them forward by EXTINF', () => {
    const playlist = media(
      lines(
        '#EXTM3U',
        '#EXT-X-TARGETDURATION:2',
        '#EXT-X-PROGRAM-DATE-TIME:2025-03-01T12:00:00.000Z',
        '#EXTINF:2,',
        'a.ts',
        '#EXTINF:1.5,',
        'b.ts',
        '#EXT-X-PROGRAM-DATE-TIME:2025-03-01T13:00:00.250+01:00',
        '#EXTINF:2,',
        'c.ts',
      ),
    );
    expect(playlist.segments.map((segment) => segment.programDateTime)).toEqual([
      Date.parse('2025-03-01T12:00:00.000Z'),
      Date.parse('2025-03-01T12:00:02.000Z'),
      Date.parse('2025-03-01T12:00:00.250Z'),
    ]);
  });

  it('leaves the program date-time out when the playlist has none', () => {
    expect(media(LIVE).segments.every((segment) => !('programDateTime' in segment))).toBe(true);
  });

  it('reads byte ranges, with an implicit offset continuing the previous range (§4.3.2.2)', () => {
    const playlist = media(
      lines(
        '#EXTM3U',
        '#EXT-X-VERSION:4',
        '#EXT-X-TARGETDURATION:2',
        '#EXTINF:2,',
        '#EXT-X-BYTERANGE:75232@0',
        'all.ts',
        '#EXTINF:2,',
        '#EXT-X-BYTERANGE:82112',
        'all.ts',
        '#EXTINF:2,',
        '#EXT-X-BYTERANGE:69864@200000',
        'all.ts',
        '#EXTINF:2,',
        'whole.ts',
      ),
    );
    expect(playlist.segments.map((segment) => segment.byterange)).toEqual([
      { offset: 0, length: 75232 },
      { offset: 75232, length: 82112 },
      { offset: 200000, length: 69864 },
      undefined,
    ]);
  });

  it('attaches keys to the segments they apply to, with explicit IVs and key rotation (§4.3.2.4)', () => {
    const playlist = media(
      lines(
        '#EXTM3U',
        '#EXT-X-TARGETDURATION:2',
        '#EXT-X-MEDIA-SEQUENCE:7',
        '#EXTINF:2,',
        'clear.ts',
        '#EXT-X-KEY:METHOD=AES-128,URI="keys/1.key"',
        '#EXTINF:2,',
        'enc1.ts',
        '#EXT-X-KEY:METHOD=AES-128,URI="https://keys.example/2.key?t=1",IV=0x000102030405060708090A0B0C0D0E0F',
        '#EXTINF:2,',
        'enc2.ts',
        '#EXTINF:2,',
        'enc3.ts',
        '#EXT-X-KEY:METHOD=NONE',
        '#EXTINF:2,',
        'clear2.ts',
      ),
    );
    const [clear, enc1, enc2, enc3, clear2] = playlist.segments;
    expect(clear!.key).toBeUndefined();
    // No IV attribute: the segment's media sequence number is the IV (§5.2), decided by the fetcher.
    expect(enc1!.key).toEqual({ method: 'AES-128', uri: 'https://provider.example/live/ch1/keys/1.key' });
    expect(enc2!.key).toEqual({ method: 'AES-128', uri: 'https://keys.example/2.key?t=1', iv: Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex') });
    expect(enc3!.key).toEqual(enc2!.key);
    expect(clear2!.key).toBeUndefined();
  });

  it('keeps an IV whose top bit is set as unsigned bytes', () => {
    const playlist = media(
      lines('#EXTM3U', '#EXT-X-TARGETDURATION:2', '#EXT-X-KEY:METHOD=AES-128,URI="k",IV=0xFFFFFFFF80000000DEADBEEF00000001', '#EXTINF:2,', 'a.ts'),
    );
    expect(playlist.segments[0]!.key!.iv!.toString('hex')).toBe('ffffffff80000000deadbeef00000001');
  });

  it('keeps SAMPLE-AES', () => {
    const playlist = media(lines('#EXTM3U', '#EXT-X-TARGETDURATION:2', '#EXT-X-KEY:METHOD=SAMPLE-AES,URI="k.bin"', '#EXTINF:2,', 'a.ts'));
    expect(playlist.segments[0]!.key).toEqual({ method: 'SAMPLE-AES', uri: 'https://provider.example/live/ch1/k.bin' });
  });

  it('refuses a stream protected only by DRM (a KEYFORMAT other than identity) in words', () => {
    const keyLine = '#EXT-X-KEY:METHOD=SAMPLE-AES,URI="skd://key42",KEYFORMAT="com.apple.streamingkeydelivery",KEYFORMATVERSIONS="1"';
    expect(() => media(lines('#EXTM3U', '#EXT-X-TARGETDURATION:2', keyLine, '#EXTINF:2,', 'a.ts'))).toThrow(/DRM \(com\.apple\.streamingkeydelivery\)/);
  });

  it('keeps the identity key of a stream that also offers DRM keys', () => {
    const playlist = media(
      lines(
        '#EXTM3U',
        '#EXT-X-TARGETDURATION:2',
        '#EXT-X-KEY:METHOD=SAMPLE-AES,URI="skd://key42",KEYFORMAT="com.apple.streamingkeydelivery"',
        '#EXT-X-KEY:METHOD=AES-128,URI="k.bin"',
        '#EXTINF:2,',
        'a.ts',
      ),
    );
    expect(playlist.segments[0]!.key).toEqual({ method: 'AES-128', uri: 'https://provider.example/live/ch1/k.bin' });
  });

  it('attaches EXT-X-MAP to every following segment until the next one, byte range included (§4.3.2.5)', () => {
    const playlist = media(
      lines(
        '#EXTM3U',
        '#EXT-X-VERSION:6',
        '#EXT-X-TARGETDURATION:2',
        '#EXT-X-MAP:URI="init.mp4"',
        '#EXTINF:2,',
        'a.m4s',
        '#EXTINF:2,',
        'b.m4s',
        '#EXT-X-DISCONTINUITY',
        '#EXT-X-MAP:URI="/other/init.mp4",BYTERANGE="720@0"',
        '#EXTINF:2,',
        'c.m4s',
      ),
    );
    expect(playlist.segments.map((segment) => segment.map)).toEqual([
      { uri: 'https://provider.example/live/ch1/init.mp4' },
      { uri: 'https://provider.example/live/ch1/init.mp4' },
      { uri: 'https://provider.example/other/init.mp4', byterange: { offset: 0, length: 720 } },
    ]);
  });

  it('marks EXT-X-GAP segments (RFC 8216bis §4.4.4.7) and keeps their numbering', () => {
    const playlist = media(
      lines('#EXTM3U', '#EXT-X-TARGETDURATION:2', '#EXT-X-MEDIA-SEQUENCE:10', '#EXTINF:2,', 'a.ts', '#EXT-X-GAP', '#EXTINF:2,', 'b.ts', '#EXTINF:2,', 'c.ts'),
    );
    expect(playlist.segments.map((segment) => [segment.msn, segment.gap])).toEqual([
      [10, false],
      [11, true],
      [12, false],
    ]);
  });

  it('gives an entry without EXTINF the target duration (m3u8-parser default) and keeps numbering', () => {
    const playlist = media(lines('#EXTM3U', '#EXT-X-TARGETDURATION:2', '#EXT-X-MEDIA-SEQUENCE:100', '#EXTINF:1.5,', 'a.ts', 'no-extinf.ts', '#EXTINF:1.5,', 'c.ts'));
    expect(playlist.segments.map((segment) => [segment.msn, segment.duration])).toEqual([
      [100, 1.5],
      [101, 2],
      [102, 1.5],
    ]);
  });

  it('drops an entry with no duration at all, keeps numbering positional and marks the next one as a discontinuity', () => {
    // The URI comes before any EXTINF or target duration: nothing says how long it is.
    const playlist = media(lines('#EXTM3U', '#EXT-X-MEDIA-SEQUENCE:100', 'orphan.ts', '#EXT-X-TARGETDURATION:2', '#EXTINF:2,', 'b.ts', '#EXTINF:2,', 'c.ts'));
    expect(playlist.segments.map((segment) => [segment.msn, segment.uri.split('/').at(-1), segment.discontinuity])).toEqual([
      [101, 'b.ts', true],
      [102, 'c.ts', false],
    ]);
  });

  it.each([
    ['a byte-order mark', `\uFEFF${LIVE}`],
    ['CRLF line endings', LIVE.replaceAll('\n', '\r\n')],
    ['leading blank lines', `\n\n  ${LIVE}`],
  ])('accepts %s', (_name, text) => {
    const playlist = media(text);
    expect(playlist.segments).toHaveLength(4);
    expect(playlist.segments[1]!.uri).toBe('https://provider.example/live/ch1/seg2681.ts?token=abc');
  });

  it('accepts a live playlist that has no segments yet', () => {
    expect(media(lines('#EXTM3U', '#EXT-X-TARGETDURATION:6', '#EXT-X-MEDIA-SEQUENCE:5')).segments).toEqual([]);
  });
});

describe('parsePlaylist: master playlists (RFC 8216 §4.3.4)', () => {
  const MASTER = lines(
    '#EXTM3U',
    '#EXT-X-VERSION:4',
    '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aac",NAME="English",DEFAULT=YES,LANGUAGE="en",URI="audio/en.m3u8"',
    '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aac",NAME="Deutsch",LANGUAGE="de",URI="audio/de.m3u8"',
    '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="muxed",NAME="Main",DEFAULT=YES',
    '#EXT-X-STREAM-INF:BANDWIDTH=800000,RESOLUTION=640x360,CODECS="avc1.4d401e,mp4a.40.2"',
    'low/index.m3u8',
    '#EXT-X-STREAM-INF:BANDWIDTH=2500000,AVERAGE-BANDWIDTH=2000000,RESOLUTION=1280x720,CODECS="avc1.4d401f,mp4a.40.2",AUDIO="muxed"',
    'https://cdn.example/mid/index.m3u8?token=1',
    '#EXT-X-STREAM-INF:BANDWIDTH=6000000,RESOLUTION=1920x1080,CODECS="avc1.640028",AUDIO="aac"',
    '/hi/index.m3u8',
  );

  it('lists every variant with bandwidth, resolution, codecs and audio group, URIs resolved', () => {
    expect(master(MASTER).variants).toEqual([
      { uri: 'https://provider.example/live/ch1/low/index.m3u8', bandwidth: 800_000, width: 640, height: 360, codecs: 'avc1.4d401e,mp4a.40.2' },
      {
        uri: 'https://cdn.example/mid/index.m3u8?token=1',
        bandwidth: 2_500_000,
        width: 1280,
        height: 720,
        codecs: 'avc1.4d401f,mp4a.40.2',
        audioGroup: 'muxed',
      },
      { uri: 'https://provider.example/hi/index.m3u8', bandwidth: 6_000_000, width: 1920, height: 1080, codecs: 'avc1.640028', audioGroup: 'aac' },
    ]);
  });

  it('lists the audio renditions that are separate playlists, URIs resolved, not the muxed ones', () => {
    expect(master(MASTER).audioMedia).toEqual([
      { groupId: 'aac', name: 'English', uri: 'https://provider.example/live/ch1/audio/en.m3u8', isDefault: true, language: 'en' },
      { groupId: 'aac', name: 'Deutsch', uri: 'https://provider.example/live/ch1/audio/de.m3u8', isDefault: false, language: 'de' },
    ]);
  });

  it('treats a variant without BANDWIDTH as 0', () => {
    expect(master(lines('#EXTM3U', '#EXT-X-STREAM-INF:RESOLUTION=320x180', 'only.m3u8')).variants).toEqual([
      { uri: 'https://provider.example/live/ch1/only.m3u8', bandwidth: 0, width: 320, height: 180 },
    ]);
  });

  it('rejects a master playlist that lists no variant URI', () => {
    expect(rejection(lines('#EXTM3U', '#EXT-X-STREAM-INF:BANDWIDTH=1000'))).toBe('playlist-invalid');
  });
});

describe('parsePlaylist: what is not a playlist', () => {
  const tsPacket = Buffer.alloc(188, 0xff);
  tsPacket[0] = 0x47;

  it.each([
    ['an empty body', ''],
    ['whitespace', '  \n\r\n'],
    ['an HTML error page', '<!DOCTYPE html>\n<html><head><title>403 Forbidden</title></head><body>#EXTM3U</body></html>'],
    ['a JSON error', '{"error":"token expired"}'],
    ['an M3U channel list cut inside its header', '#EXTM'],
    ['a TS segment', tsPacket.toString('latin1')],
    ['binary noise', Buffer.from([0x00, 0x01, 0xfe, 0x23, 0x45, 0x58]).toString('latin1')],
    ['a playlist with a leading text line', `Welcome\n${LIVE}`],
  ])('rejects %s with playlist-invalid', (_name, text) => {
    expect(rejection(text)).toBe('playlist-invalid');
  });

  it.each([
    // m3u8-parser throws a TypeError on IV lists shorter than 8 hex digits.
    ['IV=0x01', '#EXT-X-KEY:METHOD=AES-128,URI="k",IV=0x01'],
    ['IV=0x', '#EXT-X-KEY:METHOD=AES-128,URI="k",IV=0x'],
    ['IV without digits', '#EXT-X-KEY:METHOD=AES-128,URI="k",IV=zz'],
  ])('translates a parser crash on %s into playlist-invalid, never a TypeError', (_name, keyLine) => {
    expect(rejection(lines('#EXTM3U', '#EXT-X-TARGETDURATION:2', keyLine, '#EXTINF:2,', 'a.ts'))).toBe('playlist-invalid');
  });

  // m3u8-parser splits the IV into 8-digit words and keeps the first four, so a 24-digit IV would gain a zero
  // low word and a 40-digit one lose its tail: such IVs are refused instead.
  it.each([
    ['24 hex digits', '000102030405060708090a0b', '0000000000000000000102030405060708090a0b'.slice(-32)],
    ['40 hex digits', '000102030405060708090a0b0c0d0e0f10111213', null],
  ])('never turns an IV of %s into a different 128-bit number', (_name, digits, asInteger) => {
    let iv: string | undefined;
    try {
      const playlist = media(lines('#EXTM3U', '#EXT-X-TARGETDURATION:2', `#EXT-X-KEY:METHOD=AES-128,URI="k",IV=0x${digits}`, '#EXTINF:2,', 'a.ts'));
      iv = playlist.segments[0]!.key!.iv?.toString('hex');
    } catch (error) {
      expect((error as RelayError).code).toBe('playlist-invalid');
      iv = 'rejected';
    }
    expect(['rejected', asInteger]).toContain(iv);
  });

  // A body cut off before its first segment and before EXT-X-TARGETDURATION (REQUIRED, §4.3.3.1) is not
  // an empty live playlist.
  it('rejects a body cut off before its target duration and first segment', () => {
    expect(rejection('#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-MEDIA-SEQ')).toBe('playlist-invalid');
  });

  it('only ever throws RelayError playlist-invalid on arbitrary tag soup (property)', () => {
    const tag = fc.constantFrom(
      '#EXTINF:',
      '#EXT-X-TARGETDURATION:',
      '#EXT-X-MEDIA-SEQUENCE:',
      '#EXT-X-DISCONTINUITY-SEQUENCE:',
      '#EXT-X-KEY:METHOD=AES-128,URI=',
      '#EXT-X-KEY:METHOD=AES-128,URI="k",IV=',
      '#EXT-X-MAP:URI=',
      '#EXT-X-BYTERANGE:',
      '#EXT-X-PROGRAM-DATE-TIME:',
      '#EXT-X-STREAM-INF:BANDWIDTH=',
      '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=',
      '#EXT-X-DISCONTINUITY',
      '#EXT-X-GAP',
      '#EXT-X-ENDLIST',
      '',
    );
    const line = fc.tuple(tag, fc.string({ maxLength: 40 })).map(([name, value]) => `${name}${value}`);
    fc.assert(
      fc.property(fc.array(line, { maxLength: 30 }), (body) => {
        let result: Playlist | undefined;
        try {
          result = parsePlaylist(`#EXTM3U\n${body.join('\n')}`, BASE);
        } catch (error) {
          expect(error).toBeInstanceOf(RelayError);
          expect((error as RelayError).code).toBe('playlist-invalid');
          return;
        }
        if (result.kind === 'media') {
          expect(Number.isFinite(result.targetDuration) && result.targetDuration > 0).toBe(true);
          for (const segment of result.segments) {
            expect(segment.duration).toBeGreaterThan(0);
            expect(() => new URL(segment.uri)).not.toThrow();
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('parsePlaylist: size', () => {
  it('parses a 100 000-line playlist quickly', () => {
    const body = ['#EXTM3U', '#EXT-X-TARGETDURATION:2', '#EXT-X-MEDIA-SEQUENCE:1000000'];
    for (let index = 0; body.length < 100_000; index += 1) body.push('#EXTINF:2.002,', `seg-${1_000_000 + index}.ts?token=abcdef`);
    const started = performance.now();
    const playlist = media(body.join('\n'));
    const elapsed = performance.now() - started;
    console.log(`parsePlaylist: ${body.length} lines in ${elapsed.toFixed(0)} ms`);
    const count = (body.length - 3) / 2;
    expect(playlist.segments).toHaveLength(count);
    expect(playlist.segments.at(-1)!.msn).toBe(1_000_000 + count - 1);
    expect(elapsed).toBeLessThan(5000);
  });
});

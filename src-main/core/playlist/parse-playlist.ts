import { Parser } from 'm3u8-parser';
import { RelayError } from '../errors.js';
import { checkAttributeLists } from './check-attribute-lists.js';
import type { AudioMedia, InitSection, MasterPlaylist, MediaPlaylist, Playlist, SegmentKey, UpstreamSegment, Variant } from './playlist-types.js';

interface ParsedByterange {
  length: number;
  offset?: number;
}

interface ParsedSegment {
  uri?: string;
  duration?: number;
  discontinuity?: boolean;
  programDateTime?: number;
  byterange?: ParsedByterange;
  key?: { method?: string; uri?: string; iv?: Uint32Array };
  map?: { uri?: string; byterange?: ParsedByterange };
  custom?: { gap?: number };
}

interface ParsedManifest {
  segments?: ParsedSegment[];
  playlists?: { uri?: string; attributes?: Record<string, unknown> }[];
  mediaGroups?: { AUDIO?: Record<string, Record<string, { uri?: string; default?: boolean; language?: string }>> };
  targetDuration?: number;
  mediaSequence?: number;
  discontinuitySequence?: number;
  endList?: boolean;
}

/**
 * Parses an HLS playlist downloaded from `baseUrl`; every URI in the result is absolute.
 * Throws RelayError 'playlist-invalid' for anything that is not an HLS playlist (an HTML error page, a
 * truncated file, a tag m3u8-parser chokes on).
 */
export function parsePlaylist(text: string, baseUrl: string): Playlist {
  const body = text.replace(/^\uFEFF/, '').trimStart();
  if (!body.startsWith('#EXTM3U')) {
    throw new RelayError('playlist-invalid', `Not an HLS playlist (starts with ${JSON.stringify(body.slice(0, 24))})`);
  }
  checkAttributeLists(body);
  const manifest = runParser(withoutDrmKeys(body));
  if (/^#EXT-X-STREAM-INF/m.test(body)) return toMaster(manifest, baseUrl);
  return toMedia(manifest, baseUrl);
}

const KEY_LINE = /^#EXT-X-KEY:(.*)$/gm;

/**
 * The playlist without key lines of a DRM system (KEYFORMAT other than "identity"), which a relay cannot
 * serve; such a stream is refused unless it also carries identity (AES-128 / SAMPLE-AES) keys. Also
 * refuses IVs that are not 128 bits, which m3u8-parser would silently pad or cut.
 */
function withoutDrmKeys(text: string): string {
  let identityKeys = 0;
  const drmFormats: string[] = [];
  for (const [, attributes = ''] of text.matchAll(KEY_LINE)) {
    const iv = /(?:^|,)IV=([^,]*)/.exec(attributes)?.[1];
    if (iv !== undefined && !/^0x[0-9a-f]{32}$/i.test(iv.trim())) {
      throw new RelayError('playlist-invalid', `Key IV ${iv.slice(0, 40)} is not a 128-bit hexadecimal number`);
    }
    const format = /(?:^|,)KEYFORMAT="([^"]*)"/.exec(attributes)?.[1];
    if (format !== undefined && format !== 'identity') drmFormats.push(format);
    else if (!/(?:^|,)METHOD=NONE(?:,|$)/.test(attributes)) identityKeys += 1;
  }
  if (drmFormats.length === 0) return text;
  if (identityKeys === 0) {
    throw new RelayError('playlist-invalid', `The stream is protected by DRM (${drmFormats[0]}), which the relay cannot play`);
  }
  return text.replace(/^#EXT-X-KEY:.*KEYFORMAT="(?!identity")[^"]*".*$/gm, '');
}

function runParser(text: string): ParsedManifest {
  const parser = new Parser();
  parser.addParser({ expression: /^#EXT-X-GAP/, customType: 'gap', segment: true, dataParser: () => 1 });
  try {
    parser.push(text);
    parser.end();
  } catch (error) {
    throw new RelayError('playlist-invalid', `Malformed playlist: ${(error as Error).message}`, { cause: error });
  }
  return parser.manifest as ParsedManifest;
}

function toMedia(manifest: ParsedManifest, baseUrl: string): MediaPlaylist {
  if (manifest.targetDuration === undefined && (manifest.segments ?? []).length === 0) {
    // EXT-X-TARGETDURATION is required (RFC 8216 §4.3.3.1): without it and without segments, a cut-off body.
    throw new RelayError('playlist-invalid', 'The playlist has neither a target duration nor segments (cut off?)');
  }
  const mediaSequence = nonNegativeInteger(manifest.mediaSequence) ?? 0;
  if (!Number.isSafeInteger(mediaSequence + (manifest.segments ?? []).length)) {
    // Past 2^53 consecutive numbers collapse into one: the playlist cannot be followed.
    throw new RelayError('playlist-invalid', `Media sequence ${manifest.mediaSequence} is too large`);
  }
  const segments: UpstreamSegment[] = [];
  let pendingDiscontinuity = false;
  (manifest.segments ?? []).forEach((segment, index) => {
    const duration = segment.duration;
    if (!segment.uri || duration === undefined || !Number.isFinite(duration) || duration <= 0) {
      // Unusable entry: keep sequence numbering positional and mark what follows as a discontinuity.
      pendingDiscontinuity = true;
      return;
    }
    segments.push({
      msn: mediaSequence + index,
      uri: resolve(segment.uri, baseUrl),
      duration,
      discontinuity: Boolean(segment.discontinuity) || pendingDiscontinuity,
      gap: Boolean(segment.custom?.gap),
      ...(isRepresentableDate(segment.programDateTime) ? { programDateTime: segment.programDateTime } : {}),
      ...(segment.byterange ? { byterange: toRange(segment.byterange) } : {}),
      ...optionalKey(segment.key, baseUrl),
      ...optionalMap(segment.map, baseUrl),
    });
    pendingDiscontinuity = false;
  });
  const longest = segments.reduce((max, segment) => Math.max(max, segment.duration), 0);
  const declared = manifest.targetDuration;
  return {
    kind: 'media',
    targetDuration: declared !== undefined && Number.isFinite(declared) && declared > 0 ? declared : Math.ceil(longest) || 1,
    mediaSequence,
    discontinuitySequence: nonNegativeInteger(manifest.discontinuitySequence) ?? 0,
    endList: Boolean(manifest.endList),
    segments,
  };
}

function toMaster(manifest: ParsedManifest, baseUrl: string): MasterPlaylist {
  const variants: Variant[] = [];
  for (const entry of manifest.playlists ?? []) {
    if (!entry.uri) continue;
    const attributes = entry.attributes ?? {};
    const resolution = attributes.RESOLUTION as { width?: number; height?: number } | undefined;
    const bandwidth = Number(attributes.BANDWIDTH ?? attributes['AVERAGE-BANDWIDTH'] ?? 0);
    variants.push({
      uri: resolve(entry.uri, baseUrl),
      bandwidth: Number.isFinite(bandwidth) && bandwidth > 0 ? bandwidth : 0,
      ...(resolution?.width && resolution.width > 0 ? { width: resolution.width } : {}),
      ...(resolution?.height && resolution.height > 0 ? { height: resolution.height } : {}),
      ...(typeof attributes.CODECS === 'string' ? { codecs: attributes.CODECS } : {}),
      ...(typeof attributes.AUDIO === 'string' ? { audioGroup: attributes.AUDIO } : {}),
    });
  }
  if (variants.length === 0) throw new RelayError('playlist-invalid', 'Master playlist lists no variants');
  const audioMedia: AudioMedia[] = [];
  for (const [groupId, renditions] of Object.entries(manifest.mediaGroups?.AUDIO ?? {})) {
    for (const [name, rendition] of Object.entries(renditions)) {
      if (!rendition.uri) continue;
      audioMedia.push({
        groupId,
        name,
        uri: resolve(rendition.uri, baseUrl),
        isDefault: Boolean(rendition.default),
        ...(typeof rendition.language === 'string' && rendition.language !== '' ? { language: rendition.language } : {}),
      });
    }
  }
  return { kind: 'master', variants, audioMedia };
}

function optionalKey(key: ParsedSegment['key'], baseUrl: string): { key?: SegmentKey } {
  if (!key?.uri || !key.method || key.method === 'NONE') return {};
  if (!KEY_METHODS.has(key.method)) throw new RelayError('playlist-invalid', `Unknown key method ${key.method.slice(0, 40)}`);
  const method = key.method as SegmentKey['method'];
  return {
    key: {
      method,
      uri: resolve(key.uri, baseUrl),
      ...(key.iv ? { iv: ivToBuffer(key.iv) } : {}),
    },
  };
}

function optionalMap(map: ParsedSegment['map'], baseUrl: string): { map?: InitSection } {
  if (!map?.uri) return {};
  return { map: { uri: resolve(map.uri, baseUrl), ...(map.byterange ? { byterange: toRange(map.byterange) } : {}) } };
}

function ivToBuffer(iv: Uint32Array): Buffer {
  const buffer = Buffer.alloc(16);
  for (let word = 0; word < 4; word += 1) buffer.writeUInt32BE((iv[word] ?? 0) >>> 0, word * 4);
  return buffer;
}

function toRange(range: ParsedByterange): { offset: number; length: number } {
  const offset = range.offset ?? 0;
  // m3u8-parser turns "-1", "abc" or "@5" into NaN or negative numbers (and carries them to later offsets).
  if (!Number.isSafeInteger(range.length) || range.length <= 0 || !Number.isSafeInteger(offset) || offset < 0) {
    throw new RelayError('playlist-invalid', 'Malformed EXT-X-BYTERANGE');
  }
  return { offset, length: range.length };
}

const KEY_METHODS: ReadonlySet<string> = new Set(['AES-128', 'SAMPLE-AES', 'SAMPLE-AES-CTR']);

/** JavaScript dates end at ±8.64e15 ms; a date-time past that cannot be written back. */
function isRepresentableDate(value: number | undefined): value is number {
  return value !== undefined && Number.isFinite(value) && Math.abs(value) <= 8.64e15;
}

/** An absolute http(s) URL: a playlist must not send the relay to file:, data: or other schemes. */
function resolve(uri: string, baseUrl: string): string {
  let url: URL;
  try {
    url = new URL(uri, baseUrl);
  } catch (error) {
    throw new RelayError('playlist-invalid', `Bad URI in playlist: ${uri.slice(0, 200)}`, { cause: error });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new RelayError('playlist-invalid', `URI with scheme ${url.protocol.slice(0, 40)} in playlist`);
  }
  return url.href;
}

function nonNegativeInteger(value: number | undefined): number | undefined {
  return value !== undefined && Number.isInteger(value) && value >= 0 ? value : undefined;
}

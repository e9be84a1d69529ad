import { Parser } from 'm3u8-parser';
import { RelayError } from '../errors.js';
import type { InitSection, MasterPlaylist, MediaPlaylist, Playlist, SegmentKey, UpstreamSegment, Variant } from './playlist-types.js';

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
  key?: { method?: string; uri?: string; iv?: Uint32Array; keyformat?: string };
  map?: { uri?: string; byterange?: ParsedByterange };
  custom?: { gap?: number };
}

interface ParsedManifest {
  segments?: ParsedSegment[];
  playlists?: { uri?: string; attributes?: Record<string, unknown> }[];
  mediaGroups?: { AUDIO?: Record<string, Record<string, { uri?: string }>> };
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
  const manifest = runParser(body);
  if (/^#EXT-X-STREAM-INF/m.test(body)) return toMaster(manifest, baseUrl);
  return toMedia(manifest, baseUrl);
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
  const mediaSequence = nonNegativeInteger(manifest.mediaSequence) ?? 0;
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
      ...(Number.isFinite(segment.programDateTime) ? { programDateTime: segment.programDateTime } : {}),
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
      bandwidth: Number.isFinite(bandwidth) ? bandwidth : 0,
      ...(resolution?.width ? { width: resolution.width } : {}),
      ...(resolution?.height ? { height: resolution.height } : {}),
      ...(typeof attributes.CODECS === 'string' ? { codecs: attributes.CODECS } : {}),
      ...(typeof attributes.AUDIO === 'string' ? { audioGroup: attributes.AUDIO } : {}),
    });
  }
  if (variants.length === 0) throw new RelayError('playlist-invalid', 'Master playlist lists no variants');
  const audioGroups = manifest.mediaGroups?.AUDIO ?? {};
  const separateAudioGroups = Object.entries(audioGroups)
    .filter(([, renditions]) => Object.values(renditions).some((rendition) => Boolean(rendition.uri)))
    .map(([group]) => group);
  return { kind: 'master', variants, separateAudioGroups };
}

function optionalKey(key: ParsedSegment['key'], baseUrl: string): { key?: SegmentKey } {
  if (!key?.uri || !key.method || key.method === 'NONE') return {};
  const method = key.method as SegmentKey['method'];
  return {
    key: {
      method,
      uri: resolve(key.uri, baseUrl),
      ...(key.iv ? { iv: ivToBuffer(key.iv) } : {}),
      ...(key.keyformat ? { keyFormat: key.keyformat } : {}),
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
  return { offset: range.offset ?? 0, length: range.length };
}

function resolve(uri: string, baseUrl: string): string {
  try {
    return new URL(uri, baseUrl).href;
  } catch (error) {
    throw new RelayError('playlist-invalid', `Bad URI in playlist: ${uri}`, { cause: error });
  }
}

function nonNegativeInteger(value: number | undefined): number | undefined {
  return value !== undefined && Number.isInteger(value) && value >= 0 ? value : undefined;
}

import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RelayError } from '../core/errors.js';

/** One recorded segment of a fixture: its file bytes and its exact EXTINF duration in seconds. */
export interface FixtureSegment {
  bytes: Buffer;
  duration: number;
  /** File name inside the fixture folder, e.g. `seg-007.ts`. */
  name: string;
}

/** A recorded test-pattern source (scripts/make-fixtures.sh); the live origin loops it forever. */
export interface FixtureSource {
  id: string;
  kind: 'ts' | 'fmp4';
  /** The fMP4 initialization segment (EXT-X-MAP); absent for MPEG-TS. */
  init?: Buffer;
  segments: FixtureSegment[];
}

/** The committed fixtures: three MPEG-TS test patterns and one fMP4 source. */
export const DEMO_SOURCE_IDS = ['a', 'b', 'c', 'f'] as const;

let cachedDir: string | undefined;

/**
 * Absolute path of the committed `assets/demo` folder, found by walking up from this module, so it works
 * from src-main/ (vitest) and from dist/src-main/ (built). Throws 'not-found' when no ancestor has it.
 */
export function demoFixturesDir(): string {
  if (cachedDir !== undefined) return cachedDir;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'assets', 'demo');
    if (existsSync(candidate)) return (cachedDir = candidate);
    const parent = dirname(dir);
    if (parent === dir) {
      throw new RelayError('not-found', `no assets/demo folder above ${fileURLToPath(import.meta.url)}`);
    }
    dir = parent;
  }
}

/**
 * Reads `<dir>/<id>/index.m3u8` and every file it lists. Throws 'source-not-found' for a missing folder and
 * 'playlist-invalid' for a playlist without segments or with a bad EXTINF.
 */
export async function loadFixtureSource(id: string, dir: string = demoFixturesDir()): Promise<FixtureSource> {
  const folder = join(dir, id);
  let text: string;
  try {
    text = await readFile(join(folder, 'index.m3u8'), 'utf8');
  } catch (cause) {
    throw new RelayError('source-not-found', `fixture source "${id}" has no index.m3u8 in ${dir}`, { cause });
  }
  const listed = parseFixturePlaylist(text, id);
  const segments = await Promise.all(
    listed.entries.map(async ({ name, duration }) => ({ name, duration, bytes: await readFile(join(folder, name)) })),
  );
  const kind = listed.map === undefined ? 'ts' : 'fmp4';
  if (listed.map === undefined) return { id, kind, segments };
  return { id, kind, init: await readFile(join(folder, listed.map)), segments };
}

/** Loads every committed demo source, in DEMO_SOURCE_IDS order. */
export function loadDemoSources(): Promise<FixtureSource[]> {
  return Promise.all(DEMO_SOURCE_IDS.map((id) => loadFixtureSource(id)));
}

interface FixturePlaylist {
  map: string | undefined;
  entries: { name: string; duration: number }[];
}

// Only what ffmpeg's hls muxer writes for our fixtures: EXT-X-MAP, EXTINF and one URI line per segment.
function parseFixturePlaylist(text: string, id: string): FixturePlaylist {
  let map: string | undefined;
  let pendingDuration: number | undefined;
  const entries: FixturePlaylist['entries'] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.startsWith('#EXT-X-MAP:')) {
      map = /URI="([^"]+)"/.exec(line)?.[1];
    } else if (line.startsWith('#EXTINF:')) {
      pendingDuration = Number(line.slice('#EXTINF:'.length).split(',')[0]);
      if (!Number.isFinite(pendingDuration) || pendingDuration <= 0) {
        throw new RelayError('playlist-invalid', `fixture "${id}": bad ${line}`);
      }
    } else if (line !== '' && !line.startsWith('#')) {
      if (pendingDuration === undefined) {
        throw new RelayError('playlist-invalid', `fixture "${id}": ${line} has no EXTINF`);
      }
      entries.push({ name: line, duration: pendingDuration });
      pendingDuration = undefined;
    }
  }
  if (entries.length === 0) throw new RelayError('playlist-invalid', `fixture "${id}" lists no segments`);
  return { map, entries };
}

import type { Dispatcher } from 'undici';
import { httpRequest, sleep } from './http-get.js';
import { readMediaPlaylist, type ListedSegment } from './media-playlist.js';

export interface PlayerStats {
  playlists: number;
  /** Playlist answers other than 200 (a channel still starting answers 503), and failed playlist requests. */
  playlistErrors: number;
  segments: number;
  bytes: number;
  /** Segments listed in a playlist the player had just read that then answered 404: a relay bug. */
  listed404: number;
  /** Other failed segment downloads (network errors, 5xx). */
  segmentErrors: number;
  /** The first few problems, for the report. */
  problems: string[];
}

export interface Player {
  readonly stats: PlayerStats;
  stop(): Promise<void>;
}

export interface PlayerOptions {
  playlistUrl: string;
  userAgent: string;
  /** Time between playlist reloads. */
  pollMs: number;
  /** Segments taken from the live edge on the first load (VLC and ffmpeg start 3 from the end). */
  startSegments?: number;
  dispatcher?: Dispatcher;
}

const PROBLEMS_KEPT = 10;

/** Plays a live playlist like an HLS client: reloads it and downloads every new segment once, in order. */
export function startPlayer(options: PlayerOptions): Player {
  const stats: PlayerStats = { playlists: 0, playlistErrors: 0, segments: 0, bytes: 0, listed404: 0, segmentErrors: 0, problems: [] };
  const stopping = new AbortController();
  const headers = { 'user-agent': options.userAgent };
  const request = (url: string) => httpRequest(url, { headers, signal: stopping.signal, ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}) });
  const note = (problem: string) => {
    if (stats.problems.length < PROBLEMS_KEPT) stats.problems.push(problem);
  };

  const loop = async () => {
    let lastSeq: number | null = null;
    while (!stopping.signal.aborted) {
      try {
        const { status, body } = await request(options.playlistUrl);
        stats.playlists += 1;
        if (status !== 200) {
          stats.playlistErrors += 1;
          if (status !== 503) note(`playlist: HTTP ${status}`);
        } else {
          const listed = readMediaPlaylist(body.toString('utf8'), options.playlistUrl).segments;
          const fresh: ListedSegment[] = lastSeq === null ? listed.slice(-(options.startSegments ?? 3)) : listed.filter((segment) => segment.seq > lastSeq!);
          for (const segment of fresh) {
            if (stopping.signal.aborted) break;
            const got = await request(segment.url).catch((error: unknown) => new Error(String(error)));
            if (got instanceof Error) {
              if (stopping.signal.aborted) break;
              stats.segmentErrors += 1;
              note(`segment ${segment.seq}: ${got.message}`);
            } else if (got.status === 200) {
              stats.segments += 1;
              stats.bytes += got.body.length;
            } else if (got.status === 404) {
              stats.listed404 += 1;
              note(`listed segment ${segment.seq} answered 404`);
            } else {
              stats.segmentErrors += 1;
              note(`segment ${segment.seq}: HTTP ${got.status}`);
            }
            lastSeq = segment.seq;
          }
        }
      } catch (error) {
        if (stopping.signal.aborted) break;
        stats.playlistErrors += 1;
        note(String(error));
      }
      await sleep(options.pollMs, stopping.signal);
    }
  };
  const done = loop();
  return {
    stats,
    async stop() {
      stopping.abort();
      await done;
    },
  };
}

import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { loadFixtureSource } from '../../src-main/demo/fixtures.js';
import { CHROMIUM_PATH, launchChromium } from '../helpers/chromium.js';
import { serveHlsJsPage, type HlsJsPage } from '../helpers/hlsjs-page.js';
import { FFMPEG_ERROR_PATTERNS, runFfmpeg } from '../helpers/run-ffmpeg.js';
import { hasVlc, startVlc } from '../helpers/run-vlc.js';
import { startHarness, type Harness, type HarnessOptions } from '../helpers/relay-harness.js';
import { requireTool } from '../helpers/system-tool.js';
import { waitUntil } from '../helpers/wait-until.js';

const hasFfmpeg = requireTool('ffmpeg');
const hasChromium = requireTool(CHROMIUM_PATH, ['--version']);
let harness: Harness | undefined;
let browser: Browser | undefined;
let page: HlsJsPage | undefined;
afterEach(async () => {
  await browser?.close();
  await page?.close();
  await harness?.close();
  harness = undefined;
  browser = undefined;
  page = undefined;
});

/**
 * What ffmpeg's HLS muxer makes with `-var_stream_map "v:0,agroup:… a:0,agroup:…"`: a video-only variant
 * and its audio as a separate rendition, 0.5 s segments, made now — in MPEG-TS (`video`, `audio`) and in
 * fMP4 (`fmp4-video`, `fmp4-audio`).
 */
function makeSeparateAudioFixtures(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hls-relay-separate-audio-'));
  const split = (names: string, segmentArgs: string[], extension: string) =>
    spawnSync('ffmpeg', [
      '-v', 'error',
      '-f', 'lavfi', '-i', 'testsrc2=size=320x180:rate=24',
      '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
      '-t', '20', '-map', '0:v', '-map', '1:a',
      '-c:v', 'libx264', '-profile:v', 'main', '-g', '12', '-keyint_min', '12', '-sc_threshold', '0', '-b:v', '150k',
      '-c:a', 'aac', '-b:a', '64k', '-ac', '1',
      '-f', 'hls', '-hls_time', '0.5', '-hls_list_size', '0', ...segmentArgs,
      '-hls_segment_filename', join(dir, '%v', `seg-%03d.${extension}`),
      '-var_stream_map', names,
      join(dir, '%v', 'index.m3u8'),
    ]);
  const made = split('v:0,agroup:aud,name:video a:0,agroup:aud,name:audio', [], 'ts');
  const fmp4 = split('v:0,agroup:aud,name:fmp4-video a:0,agroup:aud,name:fmp4-audio', ['-hls_segment_type', 'fmp4', '-hls_fmp4_init_filename', 'init.mp4'], 'm4s');
  mkdirSync(join(dir, 'adts'));
  const adts = spawnSync('ffmpeg', [
    '-v', 'error', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000', '-t', '20', '-c:a', 'aac', '-b:a', '64k',
    '-f', 'segment', '-segment_time', '0.5', '-segment_format', 'adts',
    '-segment_list', join(dir, 'adts', 'index.m3u8'), '-segment_list_type', 'm3u8', join(dir, 'adts', 'seg-%03d.aac'),
  ]);
  if (made.status !== 0 || fmp4.status !== 0 || adts.status !== 0) throw new Error(`ffmpeg could not make the fixtures: ${made.stderr}${fmp4.stderr}${adts.stderr}`);
  writePackedAudio(join(dir, 'packed'), Buffer.concat(readdirSync(join(dir, 'adts')).filter((name) => name.endsWith('.aac')).sort().map((name) => readFileSync(join(dir, 'adts', name)))));
  return dir;
}

/**
 * Packed audio as RFC 8216 §3.4 has it (ffmpeg cannot write it): ADTS frames, each segment behind an ID3 tag whose PRIV frame carries the transport-stream timestamp, starting where the
 * video's timestamps start (1.4 s).
 */
function writePackedAudio(folder: string, adts: Buffer): void {
  mkdirSync(folder);
  const frames: Buffer[] = [];
  for (let offset = 0; offset + 7 <= adts.length; ) {
    const length = ((adts[offset + 3]! & 0x03) << 11) | (adts[offset + 4]! << 3) | (adts[offset + 5]! >> 5);
    frames.push(adts.subarray(offset, offset + length));
    offset += length;
  }
  const lines = ['#EXTM3U', '#EXT-X-VERSION:3', '#EXT-X-TARGETDURATION:1', '#EXT-X-MEDIA-SEQUENCE:0'];
  // Cut where the video's 0.5 s segments are cut (23.4375 frames of 1024 samples at 48 kHz), so both
  // renditions stay level as the live origin publishes them segment by segment.
  const cut = (index: number) => Math.round(index * 23.4375);
  for (let index = 0; cut(index + 1) <= frames.length; index += 1) {
    const name = `seg-${String(index).padStart(3, '0')}.aac`;
    const [first, end] = [cut(index), cut(index + 1)];
    writeFileSync(join(folder, name), Buffer.concat([id3Timestamp(126_000 + first * 1920), ...frames.slice(first, end)]));
    lines.push(`#EXTINF:${((end - first) * 1024) / 48_000},`, name);
  }
  writeFileSync(join(folder, 'index.m3u8'), `${lines.join('\n')}\n`);
}

function id3Timestamp(ticks: number): Buffer {
  const owner = Buffer.from('com.apple.streaming.transportStreamTimestamp\0', 'latin1');
  const stamp = Buffer.alloc(8);
  stamp.writeBigUInt64BE(BigInt(ticks));
  const body = Buffer.concat([owner, stamp]);
  const frame = Buffer.concat([Buffer.from('PRIV', 'latin1'), syncsafe(body.length), Buffer.from([0, 0]), body]);
  return Buffer.concat([Buffer.from('ID3', 'latin1'), Buffer.from([4, 0, 0]), syncsafe(frame.length), frame]);
}

function syncsafe(value: number): Buffer {
  return Buffer.from([(value >> 21) & 0x7f, (value >> 14) & 0x7f, (value >> 7) & 0x7f, value & 0x7f]);
}

interface ProbedPacket {
  type: 'video' | 'audio';
  pts: number;
  duration: number;
}

function probePackets(file: string): ProbedPacket[] {
  const probe = spawnSync('ffprobe', ['-v', 'error', '-show_entries', 'packet=codec_type,pts_time,duration_time', '-of', 'csv=p=0', file], { encoding: 'utf8' });
  if (probe.status !== 0) throw new Error(`ffprobe ${file}: ${probe.stderr}`);
  return probe.stdout
    .trim()
    .split('\n')
    .map((line) => line.split(','))
    .filter(([type, pts]) => (type === 'video' || type === 'audio') && pts !== 'N/A')
    .map(([type, pts, duration]) => ({ type: type as ProbedPacket['type'], pts: Number(pts), duration: Number(duration) || 0 }));
}

const seconds = (packets: ProbedPacket[], type: ProbedPacket['type']) =>
  packets.filter((packet) => packet.type === type).reduce((total, packet) => total + packet.duration, 0);

/** An origin with the separate-audio master playlist (and the committed muxed source `a`), a relay over it. */
async function startSeparateAudio(dir: string, extra: Partial<HarnessOptions> = {}): Promise<Harness> {
  const ids = ['video', 'audio', 'adts', 'packed', 'fmp4-video', 'fmp4-audio'];
  const fixtures = await Promise.all(ids.map((id) => loadFixtureSource(id, dir)));
  // The same audio again, as the rendition in another language.
  const german = { id: 'audio-de', fixture: fixtures[1]! };
  return startHarness({
    ...extra,
    origin: {
      sources: [...fixtures.map((fixture, index) => ({ id: ids[index]!, fixture })), german, 'a'],
      variants: [{ sourceId: 'video', bandwidth: 235_400, resolution: '320x180', audioSourceId: 'audio' }],
      ...extra.origin,
    },
    channels: [
      {
        id: 'tv',
        name: 'tv',
        enabled: true,
        sources: [
          { id: 'split', url: '{origin}/master.m3u8' },
          { id: 'muxed', url: '{origin}/a/index.m3u8' },
        ],
      },
    ],
  });
}

const dir = hasFfmpeg ? makeSeparateAudioFixtures() : '';

/** The origin's master playlist with fMP4 video and its audio as a separate fMP4 rendition. */
const FMP4_VARIANTS = [{ sourceId: 'fmp4-video', bandwidth: 235_400, resolution: '320x180', audioSourceId: 'fmp4-audio' }];

describe.skipIf(!hasFfmpeg)('a master playlist whose audio is a separate rendition', () => {
  it.each([
    { container: 'MPEG-TS', audioSourceId: 'audio', extra: {} },
    { container: 'fMP4', audioSourceId: 'fmp4-audio', extra: { origin: { variants: FMP4_VARIANTS } } },
  ])('$container: plays with sound, the audio muxed into the relayed video by timestamp, continuous and never repeated', async ({ container, audioSourceId, extra }) => {
    harness = await startSeparateAudio(dir, extra);
    const h = harness;
    const recording = join(dir, `recorded-${audioSourceId}.ts`);
    const [decoded, copied] = await Promise.all([
      runFfmpeg(`${h.baseUrl}/stream/tv`, { seconds: 8, timeoutMs: 40_000 }),
      runFfmpeg(`${h.baseUrl}/stream/tv`, { seconds: 8, timeoutMs: 40_000, outputArgs: ['-map', '0', '-c', 'copy', '-y', recording] }),
    ]);
    console.log(`separate audio (${container}): decoded ${decoded.mediaSeconds.toFixed(2)} s; stderr:\n${decoded.stderr}${copied.stderr}`);
    for (const run of [decoded, copied]) {
      expect(run.code).toBe(0);
      for (const pattern of FFMPEG_ERROR_PATTERNS) expect(run.stderr).not.toMatch(pattern);
    }
    const packets = probePackets(recording);
    const audioPackets = packets.filter((packet) => packet.type === 'audio');
    const videoPackets = packets.filter((packet) => packet.type === 'video');
    const span = (list: ProbedPacket[]) => Math.max(...list.map((p) => p.pts + p.duration)) - Math.min(...list.map((p) => p.pts));
    const audioSeconds = seconds(packets, 'audio');
    console.log(
      `recorded (${container}): video ${videoPackets.length} packets over ${span(videoPackets).toFixed(2)} s from ${videoPackets[0]?.pts}, ` +
        `audio ${audioPackets.length} packets, ${audioSeconds.toFixed(2)} s over ${span(audioPackets).toFixed(2)} s from ${audioPackets[0]?.pts}`,
    );
    expect(videoPackets.length).toBeGreaterThan(150);
    expect(audioSeconds).toBeGreaterThan(span(videoPackets) - 0.6);
    // Every audio frame once, in order: no repeated and no missing audio.
    const gaps = audioPackets.slice(1).map((packet, index) => packet.pts - audioPackets[index]!.pts);
    expect(Math.min(...gaps)).toBeGreaterThan(0);
    expect(Math.max(...gaps)).toBeLessThan(0.05);

    // Each audio segment fetched once, as the video ones.
    const audioGets = h.origin.requests.filter((r) => r.sourceId === audioSourceId && r.kind === 'segment').map((r) => r.msn);
    expect(audioGets.length).toBeGreaterThan(0);
    expect(new Set(audioGets).size).toBe(audioGets.length);
  });
});

describe.skipIf(!hasFfmpeg || !hasChromium)('separate audio in hls.js', () => {
  it.each([
    { container: 'MPEG-TS', extra: {} },
    { container: 'fMP4', extra: { origin: { variants: FMP4_VARIANTS } } },
  ])('$container: hls.js in Chromium finds an audio and a video track and decodes both as the picture plays', async ({ container, extra }) => {
    harness = await startSeparateAudio(dir, extra);
    page = await serveHlsJsPage();
    browser = await launchChromium();
    const tab = await browser.newPage();
    await tab.goto(`${page.origin}/?src=${encodeURIComponent(`${harness.baseUrl}/stream/tv`)}`);
    const currentTime = () => tab.evaluate('document.querySelector("video").currentTime') as Promise<number>;
    await waitUntil(async () => (await currentTime()) > 0.5, 15_000, 'the video started playing');
    const started = { at: Date.now(), time: await currentTime() };
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    const log = (await tab.evaluate('window.playerLog')) as {
      tracks: string[];
      errors: { at: number; fatal: boolean; details: string; sn: number | null; message: string }[];
      samples: { at: number; currentTime: number; frames: number; audioBytes: number }[];
    };
    const first = log.samples.find((sample) => sample.at >= started.at)!;
    const last = log.samples.at(-1)!;
    const played = last.currentTime - first.currentTime;
    const wall = (last.at - first.at) / 1000;
    console.log(
      `hls.js, separate ${container} audio: tracks ${log.tracks.join(', ')}; ${played.toFixed(2)} s played in ${wall.toFixed(2)} s; ` +
        `audio decoded ${first.audioBytes} → ${last.audioBytes} bytes; frames ${first.frames} → ${last.frames}; errors ${log.errors.map((e) => `${e.details} sn=${e.sn} ${e.message}`).join(', ') || 'none'}`,
    );
    expect(log.errors.filter((error) => error.fatal)).toEqual([]);
    // TS: separate 'audio' and 'video' SourceBuffers; fMP4 with both tracks in one init: one 'audiovideo'.
    expect(log.tracks.join(' ')).toMatch(/(audio|audiovideo):mp4a\.40\.2/);
    expect(log.tracks.join(' ')).toMatch(/(video|audiovideo):.*avc1/i);
    expect(played / wall).toBeGreaterThan(0.9);
    // Compressed audio bytes through the decoder: the fixture's 64 kbit/s AAC is 8 000 bytes a second.
    expect(last.audioBytes - first.audioBytes).toBeGreaterThan(wall * 6_000);
    // hls.js may nudge over the gap before the first frame; once playing, nothing goes wrong.
    expect(log.errors.filter((error) => error.at >= started.at)).toEqual([]);
  }, 40_000);
});

describe.skipIf(!hasFfmpeg || !hasVlc())('separate audio in VLC', () => {
  it.each([
    { container: 'MPEG-TS', extra: {} },
    { container: 'fMP4', extra: { origin: { variants: FMP4_VARIANTS } } },
  ])('$container: VLC decodes the muxed audio with the picture, no lost frames, no corrupt packets', async ({ container, extra }) => {
    harness = await startSeparateAudio(dir, extra);
    const player = await startVlc(`${harness.baseUrl}/stream/tv`, { maxSeconds: 40 });
    await new Promise((resolve) => setTimeout(resolve, 12_000));
    const run = await player.stop();
    const restarts = run.log.filter((line) => /adaptive demux: Ending demuxer stream\. \[discontinuity\]/.test(line.text)).length;
    console.log(`VLC statistics, separate ${container} audio: ${JSON.stringify(run.stats)}; ${restarts} demuxer restarts at discontinuities`);
    expect(run.stats).not.toBeNull();
    expect(run.stats).toMatchObject({ demuxCorrupted: 0, framesLost: 0 });
    // VLC's mp4 demuxer, restarted at a discontinuity (the origin's loop), drops the first audio buffer
    // as undated ("non-dated audio buffer received"), as it does for fMP4 with muxed audio from ffmpeg.
    expect(run.stats!.audioBuffersLost).toBeLessThanOrEqual(container === 'fMP4' ? restarts : 0);
    // 48 kHz AAC: 1024 samples a frame, ≈ 47 frames a second; well over 6 s of it.
    expect(run.stats!.audioDecoded).toBeGreaterThan(6 * 47);
    expect(run.stats!.videoDecoded).toBeGreaterThan(6 * 24);
  });
});

describe.skipIf(!hasFfmpeg)('separate audio across switches and failures', () => {
  it('every relayed segment carries sound before, between and after switches to and from a muxed source', async () => {
    harness = await startSeparateAudio(dir);
    const h = harness;
    const listedSince = async (seq: number) => (await h.playlist('tv')).segments.filter((segment) => segment.seq > seq);
    const first = await h.playlist('tv');
    let lastSeq = first.segments.at(-1)!.seq;
    for (const sourceId of ['muxed', 'split']) {
      await waitUntil(async () => (await listedSince(lastSeq)).length >= 3, 10_000, 'three more segments');
      expect((await h.api('POST', '/api/channels/tv/switch', { sourceId })).status).toBe(200);
      lastSeq = (await h.playlist('tv')).segments.at(-1)!.seq;
    }
    await waitUntil(async () => (await listedSince(lastSeq)).length >= 3, 10_000, 'three segments after the last switch');
    const playlist = await h.playlist('tv');
    expect(playlist.segments.filter((segment) => segment.discontinuity).length).toBeGreaterThanOrEqual(2);
    let video = 0;
    let audio = 0;
    const perSegment: [number, number][] = [];
    for (const segment of playlist.segments) {
      const file = join(dir, `relayed-${segment.seq}.ts`);
      const { body } = await h.fetchBytes(segment.uri);
      writeFileSync(file, body);
      const packets = probePackets(file);
      console.log(`segment ${segment.seq}${segment.discontinuity ? ' (discontinuity)' : ''}: video ${seconds(packets, 'video').toFixed(3)} s, audio ${seconds(packets, 'audio').toFixed(3)} s`);
      perSegment.push([segment.seq, seconds(packets, 'audio')]);
      video += segment.duration;
      audio += seconds(packets, 'audio');
    }
    for (const [seq, audioSeconds] of perSegment) expect(audioSeconds, `audio in segment ${seq}`).toBeGreaterThan(0.2);
    expect(audio).toBeGreaterThan(video * 0.9);
  });

  it("follows the rendition in the channel's audio language instead of the default one", async () => {
    const variants = [{ sourceId: 'video', bandwidth: 235_400, resolution: '320x180', audioSourceId: 'audio', otherAudio: [{ sourceId: 'audio-de', language: 'de' }] }];
    harness = await startSeparateAudio(dir, { origin: { variants } });
    const h = harness;
    expect((await h.api('PATCH', '/api/channels/tv', { variant: { audioLanguage: 'de' } })).status).toBe(200);
    const run = await runFfmpeg(`${h.baseUrl}/stream/tv`, { seconds: 3, timeoutMs: 30_000, outputArgs: ['-map', '0:a', '-f', 'null', '-'] });
    expect(run.code).toBe(0);
    expect(run.mediaSeconds).toBeGreaterThanOrEqual(2.5);
    const audioGets = (sourceId: string) => h.origin.requests.filter((r) => r.sourceId === sourceId && r.kind === 'segment').length;
    console.log(`audio language de: ${audioGets('audio-de')} segment GETs of the German rendition, ${audioGets('audio')} of the default one`);
    expect(audioGets('audio-de')).toBeGreaterThan(3);
    expect(audioGets('audio')).toBe(0);
  });

  it('keeps playing the picture when the audio rendition fails, and backs off instead of retrying every segment', async () => {
    harness = await startSeparateAudio(dir, {
      origin: { fault: (request) => (request.sourceId === 'audio' && request.kind === 'segment' ? { status: 404 } : undefined) },
    });
    const h = harness;
    const run = await runFfmpeg(`${h.baseUrl}/stream/tv`, { seconds: 4, timeoutMs: 30_000 });
    expect(run.code).toBe(0);
    expect(run.mediaSeconds).toBeGreaterThanOrEqual(3.5);
    const channel = (await h.api('GET', '/api/channels')).json as { channels: { id: string; state: string }[] };
    expect(channel.channels.find((c) => c.id === 'tv')?.state).toBe('playing');
    expect(h.requests.filter((r) => r.path.includes('/segments/') && r.status >= 400)).toEqual([]);
    // Backed off, not hammered: a few attempts in the run, not one per video segment and retry.
    const audioGets = h.origin.requests.filter((r) => r.sourceId === 'audio' && r.kind === 'segment').length;
    console.log(`failing audio rendition: ${audioGets} audio GETs during ${run.wallSeconds.toFixed(1)} s`);
    expect(audioGets).toBeLessThanOrEqual(6);
  });

  it('muxes AAC packed audio (ID3-timestamped ADTS) as an MPEG-TS audio stream', async () => {
    harness = await startSeparateAudio(dir, {
      origin: { variants: [{ sourceId: 'video', bandwidth: 235_400, resolution: '320x180', audioSourceId: 'packed' }] },
    });
    const h = harness;
    const recording = join(dir, 'recorded-packed.ts');
    const run = await runFfmpeg(`${h.baseUrl}/stream/tv`, { seconds: 5, timeoutMs: 30_000, outputArgs: ['-map', '0', '-c', 'copy', '-y', recording] });
    console.log(`packed audio: ${run.stderr}`);
    expect(run.code).toBe(0);
    for (const pattern of FFMPEG_ERROR_PATTERNS) expect(run.stderr).not.toMatch(pattern);
    const packets = probePackets(recording);
    const audioPackets = packets.filter((packet) => packet.type === 'audio');
    console.log(`packed audio recorded: video ${seconds(packets, 'video').toFixed(2)} s, audio ${seconds(packets, 'audio').toFixed(2)} s`);
    expect(seconds(packets, 'audio')).toBeGreaterThan(seconds(packets, 'video') - 0.6);
    const gaps = audioPackets.slice(1).map((packet, index) => packet.pts - audioPackets[index]!.pts);
    expect(Math.min(...gaps)).toBeGreaterThan(0);
    expect(Math.max(...gaps)).toBeLessThan(0.05);
  });

  it('relays the picture alone, without retrying, when the separate audio cannot be placed in time (ADTS without ID3)', async () => {
    harness = await startSeparateAudio(dir, {
      origin: { variants: [{ sourceId: 'video', bandwidth: 235_400, resolution: '320x180', audioSourceId: 'adts' }] },
    });
    const h = harness;
    const run = await runFfmpeg(`${h.baseUrl}/stream/tv`, { seconds: 3, timeoutMs: 30_000 });
    expect(run.code).toBe(0);
    expect(run.mediaSeconds).toBeGreaterThanOrEqual(2.5);
    for (const pattern of FFMPEG_ERROR_PATTERNS) expect(run.stderr).not.toMatch(pattern);
    expect(h.origin.requests.filter((r) => r.sourceId === 'adts' && r.kind === 'segment')).toHaveLength(1);
  });
});

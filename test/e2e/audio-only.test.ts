import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadFixtureSource } from '../../src-main/demo/fixtures.js';
import { FFMPEG_ERROR_PATTERNS, runFfmpeg } from '../helpers/run-ffmpeg.js';
import { startHarness, type Harness } from '../helpers/relay-harness.js';
import { requireTool } from '../helpers/system-tool.js';

const hasFfmpeg = requireTool('ffmpeg');
let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

/** Audio-only fixtures made now: MPEG-TS with one AAC stream, and packed audio (raw ADTS segments). */
function makeAudioFixtures(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hls-relay-audio-'));
  const sine = ['-v', 'error', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000', '-t', '12', '-c:a', 'aac', '-b:a', '64k'];
  mkdirSync(join(dir, 'radio-ts'));
  mkdirSync(join(dir, 'radio-aac'));
  const ts = spawnSync('ffmpeg', [...sine, '-f', 'hls', '-hls_time', '0.5', '-hls_list_size', '0', '-hls_segment_filename', join(dir, 'radio-ts', 'seg-%03d.ts'), join(dir, 'radio-ts', 'index.m3u8')]);
  const packed = spawnSync('ffmpeg', [...sine, '-f', 'segment', '-segment_time', '0.5', '-segment_format', 'adts', '-segment_list', join(dir, 'radio-aac', 'index.m3u8'), '-segment_list_type', 'm3u8', join(dir, 'radio-aac', 'seg-%03d.aac')]);
  if (ts.status !== 0 || packed.status !== 0) throw new Error(`ffmpeg could not make audio fixtures: ${ts.stderr}${packed.stderr}`);
  return dir;
}

describe.skipIf(!hasFfmpeg)('audio-only streams', () => {
  it('relays audio-only TS and packed audio (ADTS), chosen from an audio-only master playlist', async () => {
    const dir = makeAudioFixtures();
    const [radioTs, radioAac] = await Promise.all([loadFixtureSource('radio-ts', dir), loadFixtureSource('radio-aac', dir)]);
    harness = await startHarness({
      origin: {
        sources: [
          { id: 'radio-ts', fixture: radioTs },
          { id: 'radio-aac', fixture: radioAac },
        ],
        variants: [
          { sourceId: 'radio-ts', bandwidth: 48_000 },
          { sourceId: 'radio-aac', bandwidth: 96_000 },
        ],
      },
      channels: [
        { id: 'radio', name: 'radio', enabled: true, sources: [{ id: 's1', url: '{origin}/master.m3u8' }] },
        { id: 'radio-ts', name: 'radio-ts', enabled: true, sources: [{ id: 's1', url: '{origin}/radio-ts/index.m3u8' }] },
      ],
    });
    const h = harness;
    const packed = await h.playlist('radio');
    expect(packed.segments.every((segment) => segment.uri.endsWith('.aac'))).toBe(true);
    const [aacRun, tsRun] = await Promise.all([
      runFfmpeg(`${h.baseUrl}/stream/radio`, { seconds: 5, timeoutMs: 30_000 }),
      runFfmpeg(`${h.baseUrl}/stream/radio-ts`, { seconds: 5, timeoutMs: 30_000 }),
    ]);
    for (const run of [aacRun, tsRun]) {
      console.log(`audio only: ${run.mediaSeconds.toFixed(2)} s decoded; stderr:\n${run.stderr}`);
      expect(run.code).toBe(0);
      for (const pattern of FFMPEG_ERROR_PATTERNS) expect(run.stderr).not.toMatch(pattern);
      expect(run.mediaSeconds).toBeGreaterThanOrEqual(4.5);
    }
    expect(h.requests.filter((r) => r.path.includes('/segments/') && r.status >= 400)).toEqual([]);
  });
});

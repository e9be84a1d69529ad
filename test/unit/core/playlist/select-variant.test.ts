import { describe, expect, it } from 'vitest';
import type { MasterPlaylist, Variant } from '../../../../src-main/core/playlist/playlist-types.js';
import { selectVariant } from '../../../../src-main/core/playlist/select-variant.js';
import type { VariantPreference } from '../../../../src-main/shared/lineup-types.js';

const LOW: Variant = { uri: 'http://o/low.m3u8', bandwidth: 800_000, width: 640, height: 360 };
const MID: Variant = { uri: 'http://o/mid.m3u8', bandwidth: 2_500_000, width: 1280, height: 720 };
const HIGH: Variant = { uri: 'http://o/high.m3u8', bandwidth: 6_000_000, width: 1920, height: 1080 };
const NO_SIZE: Variant = { uri: 'http://o/unknown.m3u8', bandwidth: 4_000_000 };

function masterOf(variants: Variant[], separateAudioGroups: string[] = []): MasterPlaylist {
  return { kind: 'master', variants, separateAudioGroups };
}

describe('selectVariant', () => {
  it.each<[string, Variant[], VariantPreference | undefined, Variant]>([
    ['no preference: the highest bandwidth', [LOW, HIGH, MID], undefined, HIGH],
    ['empty preference: the highest bandwidth', [MID, LOW], {}, MID],
    ['maxBandwidth between variants', [LOW, MID, HIGH], { maxBandwidth: 3_000_000 }, MID],
    ['maxBandwidth exactly a variant', [LOW, MID, HIGH], { maxBandwidth: 2_500_000 }, MID],
    ['maxBandwidth below all: the lowest', [MID, HIGH, LOW], { maxBandwidth: 100_000 }, LOW],
    ['maxHeight 720', [LOW, MID, HIGH], { maxHeight: 720 }, MID],
    ['maxHeight below all: the lowest bandwidth', [MID, HIGH, LOW], { maxHeight: 144 }, LOW],
    ['both limits: the tighter one wins', [LOW, MID, HIGH], { maxBandwidth: 10_000_000, maxHeight: 360 }, LOW],
    ['a variant without RESOLUTION passes a height limit', [LOW, MID, NO_SIZE, HIGH], { maxHeight: 720 }, NO_SIZE],
    ['a single variant', [MID], { maxBandwidth: 1 }, MID],
  ])('%s', (_name, variants, preference, expected) => {
    expect(selectVariant(masterOf(variants), preference)).toEqual(expected);
  });

  it('prefers variants with muxed audio: the relay serves one media playlist', () => {
    const separate: Variant = { ...HIGH, audioGroup: 'aac' };
    const muxedGroup: Variant = { ...MID, audioGroup: 'main' };
    expect(selectVariant(masterOf([LOW, muxedGroup, separate], ['aac']))).toEqual(muxedGroup);
  });

  it('takes a variant with separate audio when nothing else fits', () => {
    const separateLow: Variant = { ...LOW, audioGroup: 'aac' };
    const separateHigh: Variant = { ...HIGH, audioGroup: 'aac' };
    expect(selectVariant(masterOf([separateLow, separateHigh], ['aac']))).toEqual(separateHigh);
  });

  it('applies the limits before the audio preference', () => {
    const separateMid: Variant = { ...MID, audioGroup: 'aac' };
    expect(selectVariant(masterOf([separateMid, HIGH], ['aac']), { maxHeight: 720 })).toEqual(separateMid);
  });

  it('keeps the first of equal bandwidths (playlist order)', () => {
    const first: Variant = { uri: 'http://o/a.m3u8', bandwidth: 1000 };
    const second: Variant = { uri: 'http://o/b.m3u8', bandwidth: 1000 };
    expect(selectVariant(masterOf([first, second]))).toBe(first);
  });
});

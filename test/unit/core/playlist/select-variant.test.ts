import { describe, expect, it } from 'vitest';
import type { AudioMedia, MasterPlaylist, Variant } from '../../../../src-main/core/playlist/playlist-types.js';
import { selectAudioMedia, selectVariant } from '../../../../src-main/core/playlist/select-variant.js';
import type { VariantPreference } from '../../../../src-main/shared/lineup-types.js';

const LOW: Variant = { uri: 'http://o/low.m3u8', bandwidth: 800_000, width: 640, height: 360 };
const MID: Variant = { uri: 'http://o/mid.m3u8', bandwidth: 2_500_000, width: 1280, height: 720 };
const HIGH: Variant = { uri: 'http://o/high.m3u8', bandwidth: 6_000_000, width: 1920, height: 1080 };
const NO_SIZE: Variant = { uri: 'http://o/unknown.m3u8', bandwidth: 4_000_000 };

const EN: AudioMedia = { groupId: 'aac', name: 'English', uri: 'http://o/audio/en.m3u8', isDefault: false };
const DE: AudioMedia = { groupId: 'aac', name: 'Deutsch', uri: 'http://o/audio/de.m3u8', isDefault: true };

function masterOf(variants: Variant[], audioMedia: AudioMedia[] = []): MasterPlaylist {
  return { kind: 'master', variants, audioMedia };
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
    expect(selectVariant(masterOf([LOW, muxedGroup, separate], [EN]))).toEqual(muxedGroup);
  });

  it('takes a variant with separate audio when nothing else fits', () => {
    const separateLow: Variant = { ...LOW, audioGroup: 'aac' };
    const separateHigh: Variant = { ...HIGH, audioGroup: 'aac' };
    expect(selectVariant(masterOf([separateLow, separateHigh], [EN]))).toEqual(separateHigh);
  });

  it('applies the limits before the audio preference', () => {
    const separateMid: Variant = { ...MID, audioGroup: 'aac' };
    expect(selectVariant(masterOf([separateMid, HIGH], [EN]), { maxHeight: 720 })).toEqual(separateMid);
  });

  it('takes the video variant over an audio-only one listed with the same audio group (ffmpeg var_stream_map)', () => {
    const video: Variant = { ...LOW, codecs: 'avc1.4d400c,mp4a.40.2', audioGroup: 'aac' };
    const audioOnly: Variant = { uri: EN.uri, bandwidth: 70_400, codecs: 'mp4a.40.2', audioGroup: 'aac' };
    expect(selectVariant(masterOf([video, audioOnly], [EN]))).toEqual(video);
    expect(selectVariant(masterOf([video, audioOnly], [EN]), { maxBandwidth: 100_000 })).toEqual(video);
    expect(selectVariant(masterOf([audioOnly], [EN]))).toEqual(audioOnly);
  });

  it('keeps the first of equal bandwidths (playlist order)', () => {
    const first: Variant = { uri: 'http://o/a.m3u8', bandwidth: 1000 };
    const second: Variant = { uri: 'http://o/b.m3u8', bandwidth: 1000 };
    expect(selectVariant(masterOf([first, second]))).toBe(first);
  });
});

describe('selectAudioMedia', () => {
  it("picks the group's DEFAULT=YES rendition, else its first", () => {
    const variant: Variant = { ...HIGH, audioGroup: 'aac' };
    expect(selectAudioMedia(masterOf([variant], [EN, DE]), variant)).toEqual(DE);
    expect(selectAudioMedia(masterOf([variant], [EN, { ...DE, isDefault: false }]), variant)).toEqual(EN);
  });

  it('prefers the rendition in the chosen language: "de" takes "de-AT" too, any case; else the default', () => {
    const variant: Variant = { ...HIGH, audioGroup: 'aac' };
    const en = { ...EN, language: 'en', isDefault: true };
    const at = { ...DE, name: 'Österreich', uri: 'http://o/audio/de-at.m3u8', language: 'de-AT', isDefault: false };
    const pt = { ...EN, name: 'Português', uri: 'http://o/audio/pt.m3u8', language: 'pt-BR' };
    const master = masterOf([variant], [en, at, pt]);
    expect(selectAudioMedia(master, variant, 'de')).toEqual(at);
    expect(selectAudioMedia(master, variant, 'DE-at')).toEqual(at);
    expect(selectAudioMedia(master, variant, 'pt-BR')).toEqual(pt);
    expect(selectAudioMedia(master, variant, 'pt-PT')).toEqual(en);
    expect(selectAudioMedia(master, variant, 'fr')).toEqual(en);
    expect(selectAudioMedia(master, variant)).toEqual(en);
    // "d" is not a prefix match for "de": languages match by whole subtags.
    expect(selectAudioMedia(master, variant, 'd')).toEqual(en);
  });

  it('is null for muxed audio: no group, a group without URIs, or the variant itself', () => {
    expect(selectAudioMedia(masterOf([HIGH], [EN]), HIGH)).toBeNull();
    const other: Variant = { ...HIGH, audioGroup: 'main' };
    expect(selectAudioMedia(masterOf([other], [EN]), other)).toBeNull();
    const itself: Variant = { uri: EN.uri, bandwidth: 64_000, audioGroup: 'aac' };
    expect(selectAudioMedia(masterOf([itself], [EN]), itself)).toBeNull();
  });
});

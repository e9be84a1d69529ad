import type { VariantPreference } from '../../shared/lineup-types.js';
import type { AudioMedia, MasterPlaylist, Variant } from './playlist-types.js';

/**
 * The variant a channel follows: the highest BANDWIDTH within the preference's limits (the lowest one when
 * nothing fits), with a picture when any variant has one, preferring variants whose audio is muxed in: the
 * relay serves one media playlist, and muxing a separate audio rendition into it is the riskier path.
 */
export function selectVariant(master: MasterPlaylist, preference: VariantPreference = {}): Variant {
  // An audio-only variant (often listed next to the video ones) only when there is no picture at all.
  const withPicture = master.variants.filter((variant) => !isAudioOnly(variant));
  const choices = withPicture.length > 0 ? withPicture : master.variants;
  const fits = choices.filter(
    (variant) =>
      (preference.maxBandwidth === undefined || variant.bandwidth <= preference.maxBandwidth) &&
      (preference.maxHeight === undefined || variant.height === undefined || variant.height <= preference.maxHeight),
  );
  const pool = fits.length > 0 ? fits : [lowest(choices)];
  const muxed = pool.filter((variant) => selectAudioMedia(master, variant) === null);
  const candidates = muxed.length > 0 ? muxed : pool;
  return candidates.reduce((best, variant) => (variant.bandwidth > best.bandwidth ? variant : best));
}

const AUDIO_CODECS = /^(mp4a|ac-3|ec-3|opus|flac|fLaC|mp3|alac|dtsc)(\.|$)/;

/** Declared CODECS are all audio codecs and there is no RESOLUTION. */
function isAudioOnly(variant: Variant): boolean {
  if (variant.codecs === undefined || variant.width !== undefined || variant.height !== undefined) return false;
  return variant.codecs.split(',').every((codec) => AUDIO_CODECS.test(codec.trim()));
}

function lowest(variants: Variant[]): Variant {
  return variants.reduce((low, variant) => (variant.bandwidth < low.bandwidth ? variant : low));
}

/**
 * The separate audio rendition a variant plays with: the group's first in `language` (its DEFAULT=YES one
 * first), else the DEFAULT=YES one, else its first. Null when the variant's audio is muxed in (no group, or a
 * group without URIs), or when the rendition is the variant.
 */
export function selectAudioMedia(master: MasterPlaylist, variant: Variant, language?: string): AudioMedia | null {
  const group = master.audioMedia.filter((media) => media.groupId === variant.audioGroup);
  const preferred = language === undefined ? [] : group.filter((media) => speaks(media, language));
  const chosen = preferred.find((media) => media.isDefault) ?? preferred[0] ?? group.find((media) => media.isDefault) ?? group[0];
  return chosen && chosen.uri !== variant.uri ? chosen : null;
}

/** "de" takes "de", "de-AT" and "DE"; "pt-BR" takes only "pt-BR". */
function speaks(media: AudioMedia, language: string): boolean {
  const own = media.language?.toLowerCase();
  const wanted = language.toLowerCase();
  return own !== undefined && (own === wanted || own.startsWith(`${wanted}-`));
}

/** Stable, URL-safe ids for channels and sources. */

// Letters that Unicode decomposition does not reduce to ASCII. Cyrillic and Greek cover most IPTV
// lineups that are not in a Latin script; other scripts fall back to the caller's default.
const TRANSLITERATION: Record<string, string> = {
  ß: 'ss', æ: 'ae', ø: 'o', œ: 'oe', ł: 'l', đ: 'd', ð: 'd', þ: 'th', ı: 'i', ŀ: 'l', ħ: 'h',
  а: 'a', б: 'b', в: 'v', г: 'g', ґ: 'g', д: 'd', е: 'e', ё: 'e', є: 'ye', ж: 'zh', з: 'z', и: 'i',
  і: 'i', ї: 'yi', й: 'y', к: 'k', л: 'l', м: 'm', н: 'n', о: 'o', п: 'p', р: 'r', с: 's', т: 't',
  у: 'u', ў: 'u', ф: 'f', х: 'kh', ц: 'ts', ч: 'ch', ш: 'sh', щ: 'shch', ъ: '', ы: 'y', ь: '', э: 'e',
  ю: 'yu', я: 'ya',
  α: 'a', β: 'v', γ: 'g', δ: 'd', ε: 'e', ζ: 'z', η: 'i', θ: 'th', ι: 'i', κ: 'k', λ: 'l', μ: 'm',
  ν: 'n', ξ: 'x', ο: 'o', π: 'p', ρ: 'r', σ: 's', ς: 's', τ: 't', υ: 'y', φ: 'f', χ: 'ch', ψ: 'ps',
  ω: 'o',
  '&': ' and ',
  '+': ' plus ',
};

const COMBINING_MARKS = /\p{M}+/gu;

/** Long enough to read, short enough that "-999" still fits the 64-character id limit. */
const SLUG_MAX = 48;

/**
 * "Canal+ Sport (HD)" → "canal-plus-sport-hd". Lowercase ASCII letters, digits and single dashes;
 * accents and Cyrillic/Greek are transliterated; `fallback` when nothing is left.
 */
export function slugify(text: string, fallback = 'channel'): string {
  let ascii = '';
  for (const char of text.normalize('NFC').toLowerCase()) {
    const direct = TRANSLITERATION[char];
    if (direct !== undefined) {
      ascii += direct;
      continue;
    }
    if (char < '\u0080') {
      ascii += char;
      continue;
    }
    // "é" → "e", "ή" → "η" → "i", "ｆ" → "f"
    for (const part of char.normalize('NFKD').replace(COMBINING_MARKS, '').toLowerCase()) {
      ascii += TRANSLITERATION[part] ?? part;
    }
  }
  const slug = ascii
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, SLUG_MAX)
    .replace(/^-+|-+$/g, '');
  return slug === '' ? fallback : slug;
}

/** `base`, or `base-2`, `base-3` … whichever is free first; the result is added to `taken`. */
export function uniqueSlug(base: string, taken: Set<string>): string {
  let candidate = base;
  for (let n = 2; taken.has(candidate); n += 1) candidate = `${base}-${n}`;
  taken.add(candidate);
  return candidate;
}

/**
 * The next `s<n>` source id after the highest one in use, so an id removed from a channel is not handed
 * to a different source in the same call.
 */
export function nextSourceId(taken: ReadonlySet<string>): string {
  let highest = 0;
  for (const id of taken) {
    const match = /^s(\d{1,9})$/.exec(id);
    if (match) highest = Math.max(highest, Number(match[1]));
  }
  let n = highest + 1;
  while (taken.has(`s${n}`)) n += 1;
  return `s${n}`;
}

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nextSourceId, slugify, uniqueSlug } from '../../../../src-main/core/lineup/slug.js';

describe('slugify', () => {
  it.each([
    ['BBC One HD', 'bbc-one-hd'],
    ['  Sky News  ', 'sky-news'],
    ['Canal+ Sport (HD)', 'canal-plus-sport-hd'],
    ['Arte Français', 'arte-francais'],
    ['Das Erste · Süd', 'das-erste-sud'],
    ['Straße & Fluß', 'strasse-and-fluss'],
    ['Первый канал', 'pervyy-kanal'],
    ['Їжак ТБ', 'yizhak-tb'],
    ['Ελληνική ΤV', 'elliniki-tv'],
    ['ITV 1, London', 'itv-1-london'],
    ['---', 'channel'],
    ['', 'channel'],
    ['中文台', 'channel'],
    ['ｆｕｌｌｗｉｄｔｈ １２３', 'fullwidth-123'],
  ])('%j → %j', (name, slug) => {
    expect(slugify(name)).toBe(slug);
  });

  it('uses the given fallback when nothing is left', () => {
    expect(slugify('中文台', 'cctv')).toBe('cctv');
  });

  it('cuts long names to 48 characters without a trailing dash', () => {
    const slug = slugify(`${'a'.repeat(47)} tail`);
    expect(slug).toBe('a'.repeat(47));
  });

  it('always yields a URL-safe id, the same one for the same text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 80 }), (text) => {
        const slug = slugify(text);
        expect(slug).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
        expect(slug.length).toBeLessThanOrEqual(48);
        expect(slugify(text)).toBe(slug);
      }),
      { numRuns: 500 },
    );
  });
});

describe('uniqueSlug', () => {
  it('suffixes -2, -3 … in order and reserves what it returns', () => {
    const taken = new Set<string>(['news']);
    expect(uniqueSlug('news', taken)).toBe('news-2');
    expect(uniqueSlug('news', taken)).toBe('news-3');
    expect(uniqueSlug('sport', taken)).toBe('sport');
    expect(uniqueSlug('sport', taken)).toBe('sport-2');
    expect([...taken]).toEqual(['news', 'news-2', 'news-3', 'sport', 'sport-2']);
  });
});

describe('nextSourceId', () => {
  it.each([
    [[], 's1'],
    [['s1', 's2'], 's3'],
    [['s2'], 's3'],
    [['backup', 'main'], 's1'],
    [['s9', 'backup'], 's10'],
    [['s1', 's01'], 's2'],
  ])('after %j → %s', (taken, next) => {
    expect(nextSourceId(new Set(taken))).toBe(next);
  });
});

import { describe, expect, it } from 'vitest';
import { RelayError } from '../../../../src-main/core/errors.js';
import { applySettingsPatch, parseSettingsPatch, SETTING_RANGES, settingsWithDefaults } from '../../../../src-main/core/settings/parse-settings.js';
import { DEFAULT_SETTINGS } from '../../../../src-main/shared/lineup-types.js';

/** The RelayError parseSettingsPatch throws for `value` (code and message); anything else fails. */
function rejection(value: unknown): { code: string; message: string } {
  try {
    parseSettingsPatch(value);
  } catch (error) {
    expect(error).toBeInstanceOf(RelayError);
    return { code: (error as RelayError).code, message: (error as RelayError).message };
  }
  throw new Error(`accepted ${JSON.stringify(value)}`);
}

describe('parseSettingsPatch', () => {
  it('accepts a full, valid settings object', () => {
    expect(parseSettingsPatch({ ...DEFAULT_SETTINGS })).toEqual(DEFAULT_SETTINGS);
  });

  it('accepts an empty patch', () => {
    expect(parseSettingsPatch({})).toEqual({});
  });

  const numberCases = Object.entries(SETTING_RANGES).flatMap(([field, [min, max]]) => [[field, min, true], [field, max, true], [field, min - 1, false], [field, max + 1, false]] as const);

  it.each(numberCases)('%s = %d → accepted %s', (field, value, accepted) => {
    if (accepted) expect(parseSettingsPatch({ [field]: value })).toEqual({ [field]: value });
    else expect(rejection({ [field]: value })).toEqual({ code: 'settings-invalid', message: expect.stringMatching(new RegExp(`^${field}: must be a whole number`)) as unknown as string });
  });

  it.each([
    ['port', 5000.5],
    ['port', '5000'],
    ['port', null],
    ['port', Number.NaN],
    ['port', Number.POSITIVE_INFINITY],
    ['windowSegments', true],
    ['idleTimeoutSec', [60]],
    ['lan', 'true'],
    ['lan', 1],
    ['notifications', null],
    ['startAtLogin', 'yes'],
    ['userAgent', ''],
    ['userAgent', '   '],
    ['userAgent', 'x'.repeat(513)],
    ['userAgent', 'VLC/3.0\r\nX-Injected: 1'],
    ['userAgent', 'Lecteur vidéo'],
    ['userAgent', 42],
  ])('rejects %s = %j naming the field', (field, value) => {
    const { code, message } = rejection({ [field]: value });
    expect(code).toBe('settings-invalid');
    expect(message.startsWith(`${field}: `)).toBe(true);
  });

  it.each([[null], [[]], ['port=80'], [5], [undefined]])('rejects %j: settings are a JSON object', (value) => {
    expect(rejection(value).code).toBe('settings-invalid');
  });

  it('rejects unknown settings by name, cut to a readable length', () => {
    expect(rejection({ colour: 'blue' })).toEqual({ code: 'settings-invalid', message: 'Unknown setting: colour' });
    expect(rejection({ ['k'.repeat(5000)]: 1 }).message.length).toBeLessThan(100);
  });

  it('accepts booleans and a printable user agent', () => {
    expect(parseSettingsPatch({ lan: true, notifications: false, startAtLogin: true, userAgent: 'Mozilla/5.0 (X11) Kodi/20.2' })).toEqual({
      lan: true,
      notifications: false,
      startAtLogin: true,
      userAgent: 'Mozilla/5.0 (X11) Kodi/20.2',
    });
  });

  // Names inherited from Object.prototype are unknown settings, not a TypeError (500).
  it.each([['toString'], ['constructor'], ['hasOwnProperty'], ['__proto__']])('rejects the inherited name %j as an unknown setting', (key) => {
    expect(rejection(JSON.parse(`{"${key}": 1}`))).toEqual({ code: 'settings-invalid', message: `Unknown setting: ${key}` });
  });
});

describe('applySettingsPatch', () => {
  it('merges a patch over the settings without changing them', () => {
    const before = { ...DEFAULT_SETTINGS };
    expect(applySettingsPatch(before, { port: 8080, lan: true })).toEqual({ ...DEFAULT_SETTINGS, port: 8080, lan: true });
    expect(before).toEqual(DEFAULT_SETTINGS);
  });

  it.each([
    [{ windowSegments: 20 }, false],
    [{ windowSegments: 16 }, true],
    [{ bufferSegments: 11 }, false],
    [{ bufferSegments: 30, windowSegments: 30 }, true],
  ])('%j over the defaults (buffer 16, window 12) → accepted %s: the window never exceeds the buffer', (patch, accepted) => {
    if (accepted) expect(applySettingsPatch(DEFAULT_SETTINGS, patch)).toMatchObject(patch);
    else expect(() => applySettingsPatch(DEFAULT_SETTINGS, patch)).toThrow(expect.objectContaining({ code: 'settings-invalid' }) as unknown as Error);
  });
});

describe('settingsWithDefaults', () => {
  it.each([[undefined], [null], ['garbage'], [42], [[]]])('falls back to the defaults for %j', (saved) => {
    expect(settingsWithDefaults(saved)).toEqual(DEFAULT_SETTINGS);
  });

  it('keeps valid saved fields and drops invalid or unknown ones one by one', () => {
    const saved = { port: 8080, lan: 'yes', userAgent: 'MyPlayer/1.0', windowSegments: 1000, colour: 'blue', idleTimeoutSec: 120 };
    expect(settingsWithDefaults(saved)).toEqual({ ...DEFAULT_SETTINGS, port: 8080, userAgent: 'MyPlayer/1.0', idleTimeoutSec: 120 });
  });

  it('clips a hand-edited window larger than the buffer', () => {
    expect(settingsWithDefaults({ bufferSegments: 5, windowSegments: 9 })).toMatchObject({ bufferSegments: 5, windowSegments: 5 });
  });

  it('survives inherited names in a hand-edited file', () => {
    expect(settingsWithDefaults(JSON.parse('{"toString": 1, "__proto__": {"port": 1}, "port": 6000}'))).toEqual({ ...DEFAULT_SETTINGS, port: 6000 });
  });
});

import { DEFAULT_SETTINGS, type RelaySettings } from '../../shared/lineup-types.js';
import { RelayError } from '../errors.js';
import { userAgentProblem } from '../lineup/field-rules.js';

type NumberField = 'port' | 'bufferSegments' | 'windowSegments' | 'liveEdgeSegments' | 'idleTimeoutSec';
type BooleanField = 'lan' | 'notifications' | 'startAtLogin';

/** Allowed ranges of the numeric settings (inclusive). */
export const SETTING_RANGES: Record<NumberField, readonly [number, number]> = {
  port: [1, 65_535],
  bufferSegments: [3, 200],
  windowSegments: [3, 100],
  liveEdgeSegments: [1, 10],
  idleTimeoutSec: [5, 86_400],
};

const BOOLEAN_FIELDS: readonly BooleanField[] = ['lan', 'notifications', 'startAtLogin'];

/**
 * A settings change from the API or IPC, checked field by field; unknown fields and wrong types are
 * rejected with 'settings-invalid' naming the field.
 */
export function parseSettingsPatch(value: unknown): Partial<RelaySettings> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new RelayError('settings-invalid', 'Settings must be a JSON object');
  }
  const patch: Partial<RelaySettings> = {};
  for (const [key, field] of Object.entries(value)) {
    if (Object.hasOwn(SETTING_RANGES, key)) {
      const [min, max] = SETTING_RANGES[key as NumberField];
      if (!Number.isInteger(field) || (field as number) < min || (field as number) > max) {
        throw new RelayError('settings-invalid', `${key}: must be a whole number from ${min} to ${max}`);
      }
      patch[key as NumberField] = field as number;
    } else if ((BOOLEAN_FIELDS as readonly string[]).includes(key)) {
      if (typeof field !== 'boolean') throw new RelayError('settings-invalid', `${key}: must be true or false`);
      patch[key as BooleanField] = field;
    } else if (key === 'userAgent') {
      const problem = typeof field === 'string' ? userAgentProblem(field) : 'must be text';
      if (problem) throw new RelayError('settings-invalid', `userAgent: ${problem}`);
      patch.userAgent = field as string;
    } else {
      throw new RelayError('settings-invalid', `Unknown setting: ${key.slice(0, 64)}`);
    }
  }
  return patch;
}

/** Settings after a patch, with the window never larger than the buffer. */
export function applySettingsPatch(settings: RelaySettings, patch: Partial<RelaySettings>): RelaySettings {
  const next = { ...settings, ...patch };
  if (next.windowSegments > next.bufferSegments) {
    throw new RelayError('settings-invalid', `windowSegments (${next.windowSegments}) cannot exceed bufferSegments (${next.bufferSegments})`);
  }
  return next;
}

/** Saved settings merged over the defaults, invalid fields dropped (a hand-edited file must not break start). */
export function settingsWithDefaults(saved: unknown): RelaySettings {
  const result: RelaySettings = { ...DEFAULT_SETTINGS };
  if (typeof saved !== 'object' || saved === null) return result;
  for (const [key, field] of Object.entries(saved)) {
    try {
      Object.assign(result, parseSettingsPatch({ [key]: field }));
    } catch {
      // Keep the default for a field that does not validate.
    }
  }
  return result.windowSegments > result.bufferSegments ? { ...result, windowSegments: result.bufferSegments } : result;
}

import type { RelaySettings } from '../../src-main/shared/lineup-types.js';

/** Number inputs give null while empty or unreadable. */
export type SettingsDraft = { [K in keyof RelaySettings]: RelaySettings[K] extends number ? number | null : RelaySettings[K] };

export type SettingsErrors = Partial<Record<keyof RelaySettings, string>>;

function wholeNumber(value: number | null, min: number, max: number, what: string): string | undefined {
  if (value === null || !Number.isFinite(value)) return `Enter ${what}.`;
  if (!Number.isInteger(value) || value < min || value > max) return `Use a whole number from ${min} to ${max}.`;
  return undefined;
}

/** What is wrong with each field, in words; empty when the draft can be saved. */
export function validateSettings(draft: SettingsDraft): SettingsErrors {
  const errors: SettingsErrors = {
    port: wholeNumber(draft.port, 1024, 65535, 'a port number'),
    bufferSegments: wholeNumber(draft.bufferSegments, 2, 200, 'how many pieces to keep'),
    windowSegments: wholeNumber(draft.windowSegments, 1, 100, 'how many pieces to list'),
    liveEdgeSegments: wholeNumber(draft.liveEdgeSegments, 1, 20, 'how many pieces to start from'),
    idleTimeoutSec: wholeNumber(draft.idleTimeoutSec, 5, 3600, 'a number of seconds'),
  };
  const { bufferSegments: kept, windowSegments: listed, liveEdgeSegments: first } = draft;
  if (!errors.windowSegments && kept !== null && listed !== null && listed > kept) {
    errors.windowSegments = 'List at most as many pieces as are kept.';
  }
  if (!errors.liveEdgeSegments && listed !== null && first !== null && first > listed) {
    errors.liveEdgeSegments = 'Start from at most as many pieces as are listed.';
  }
  if (draft.userAgent.trim() === '') errors.userAgent = 'Enter a user agent; the default works for most providers.';
  else if (/[\r\n]/.test(draft.userAgent)) errors.userAgent = 'The user agent must be on one line.';
  for (const key of Object.keys(errors) as (keyof RelaySettings)[]) if (errors[key] === undefined) delete errors[key];
  return errors;
}

/** Only the fields that differ from what the relay has, for PATCH /api/settings. Call on a valid draft. */
export function changedSettings(saved: RelaySettings, draft: SettingsDraft): Partial<RelaySettings> {
  const patch: Record<string, unknown> = {};
  for (const key of Object.keys(saved) as (keyof RelaySettings)[]) {
    const value = key === 'userAgent' ? draft.userAgent.trim() : draft[key];
    if (value !== null && value !== saved[key]) patch[key] = value;
  }
  return patch as Partial<RelaySettings>;
}

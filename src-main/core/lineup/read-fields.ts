import type { ErrorCode } from '../../shared/error-codes.js';
import type { VariantPreference } from '../../shared/lineup-types.js';
import { RelayError } from '../errors.js';
import {
  LIMITS,
  headerNameProblem,
  headerValueProblem,
  httpUrlProblem,
  idProblem,
  languageProblem,
  logoProblem,
  textProblem,
  userAgentProblem,
} from './field-rules.js';

/**
 * Readers for values that arrive as JSON (HTTP, IPC, config files): each takes `unknown` and the field's
 * path, returns the typed value or throws RelayError whose message starts with the path
 * (`sources[0].url: only http and https URLs are allowed`). URL problems are 'invalid-url', the rest
 * 'bad-request'. Optional readers treat null like an absent field.
 */

export function fieldPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  return parent === '' ? key : `${parent}.${key}`;
}

export function fail(path: string, reason: string, code: ErrorCode = 'bad-request'): never {
  throw new RelayError(code, path === '' ? reason : `${path}: ${reason}`);
}

/** A plain JSON object with no keys but `allowed`: a typo ("nmae") is an error, not a silent no-op. */
export function readRecord(value: unknown, path: string, allowed: readonly string[]): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(path, 'must be an object');
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!allowed.includes(key)) fail(fieldPath(path, key), 'unknown field');
  }
  return record;
}

export function readArray(value: unknown, path: string, max: number): unknown[] {
  if (!Array.isArray(value)) fail(path, 'must be an array');
  if (value.length > max) fail(path, `must have at most ${max} items`);
  return value;
}

/** A trimmed, non-empty single-line text. */
export function readText(value: unknown, path: string, max: number = LIMITS.textMax): string {
  if (typeof value !== 'string') fail(path, 'must be a string');
  const text = value.trim();
  const problem = textProblem(text, max);
  if (problem !== undefined) fail(path, problem);
  return text;
}

/** Absent, null and "" all mean "none". */
export function readOptionalText(value: unknown, path: string, max: number = LIMITS.textMax): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  return readText(value, path, max);
}

export function readBoolean(value: unknown, path: string): boolean {
  if (typeof value !== 'boolean') fail(path, 'must be true or false');
  return value;
}

export function readOptionalBoolean(value: unknown, path: string): boolean | undefined {
  return value === undefined || value === null ? undefined : readBoolean(value, path);
}

export function readHttpUrl(value: unknown, path: string): string {
  if (typeof value !== 'string') fail(path, 'must be a string');
  const url = value.trim();
  const problem = httpUrlProblem(url);
  if (problem !== undefined) fail(path, problem, 'invalid-url');
  return url;
}

export function readOptionalLogo(value: unknown, path: string): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') fail(path, 'must be a string');
  const url = value.trim();
  const problem = logoProblem(url);
  if (problem !== undefined) fail(path, problem, 'invalid-url');
  return url;
}

export function readId(value: unknown, path: string): string {
  if (typeof value !== 'string') fail(path, 'must be a string');
  const problem = idProblem(value);
  if (problem !== undefined) fail(path, problem);
  return value;
}

export function readOptionalId(value: unknown, path: string): string | undefined {
  return value === undefined || value === null ? undefined : readId(value, path);
}

export function readOptionalUserAgent(value: unknown, path: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') fail(path, 'must be a string');
  const problem = userAgentProblem(value);
  if (problem !== undefined) fail(path, problem);
  return value;
}

/** Header names are unique case-insensitively; an empty object means "no extra headers". */
export function readOptionalHeaders(value: unknown, path: string): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) fail(path, 'must be an object of header names to values');
  const entries = Object.entries(value);
  if (entries.length > LIMITS.headersMax) fail(path, `must have at most ${LIMITS.headersMax} headers`);
  const seen = new Set<string>();
  for (const [name, headerValue] of entries) {
    const headerPath = fieldPath(path, name);
    const nameProblem = headerNameProblem(name);
    if (nameProblem !== undefined) fail(path, nameProblem);
    if (seen.has(name.toLowerCase())) fail(headerPath, 'header given twice');
    seen.add(name.toLowerCase());
    if (typeof headerValue !== 'string') fail(headerPath, 'must be a string');
    const valueProblem = headerValueProblem(headerValue);
    if (valueProblem !== undefined) fail(headerPath, valueProblem);
  }
  // fromEntries defines own properties, so a header named __proto__ cannot reach the prototype.
  return entries.length === 0 ? undefined : Object.fromEntries(entries as [string, string][]);
}

export function readPositiveInteger(value: unknown, path: string, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
    fail(path, `must be a whole number from 1 to ${max}`);
  }
  return value;
}

export function readOptionalVariant(value: unknown, path: string): VariantPreference | undefined {
  if (value === undefined || value === null) return undefined;
  const record = readRecord(value, path, ['maxBandwidth', 'maxHeight', 'audioLanguage']);
  const variant: VariantPreference = {};
  if (record.maxBandwidth !== undefined) {
    variant.maxBandwidth = readPositiveInteger(record.maxBandwidth, fieldPath(path, 'maxBandwidth'));
  }
  if (record.maxHeight !== undefined) {
    variant.maxHeight = readPositiveInteger(record.maxHeight, fieldPath(path, 'maxHeight'));
  }
  const language = readOptionalText(record.audioLanguage, fieldPath(path, 'audioLanguage'));
  if (language !== undefined) {
    const problem = languageProblem(language);
    if (problem !== undefined) fail(fieldPath(path, 'audioLanguage'), problem);
    variant.audioLanguage = language;
  }
  return variant;
}

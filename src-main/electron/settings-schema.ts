import type { Schema } from 'conf';
import { LIMITS } from '../core/lineup/field-rules.js';
import { SETTING_RANGES } from '../core/settings/parse-settings.js';
import { DEFAULT_SETTINGS, type Lineup, type RelaySettings } from '../shared/lineup-types.js';

/**
 * The desktop settings file (electron-store / conf `config.json` in the user-data folder): the relay
 * settings flat at the top level, the control-API token and the lineup. `port` and `token` are absent
 * until the first run chooses them.
 */
export type StoredSettings = Omit<RelaySettings, 'port'> & {
  port?: number;
  token?: string;
  lineup: Lineup;
};

/** Version of the file format (not of the app); conf records the last migration it ran in the file. */
export const SETTINGS_FORMAT_VERSION = '0.2.0';

export const STORED_DEFAULTS: StoredSettings = {
  lan: DEFAULT_SETTINGS.lan,
  userAgent: DEFAULT_SETTINGS.userAgent,
  bufferSegments: DEFAULT_SETTINGS.bufferSegments,
  windowSegments: DEFAULT_SETTINGS.windowSegments,
  liveEdgeSegments: DEFAULT_SETTINGS.liveEdgeSegments,
  idleTimeoutSec: DEFAULT_SETTINGS.idleTimeoutSec,
  notifications: DEFAULT_SETTINGS.notifications,
  startAtLogin: DEFAULT_SETTINGS.startAtLogin,
  lineup: { channels: [], providers: [] },
};

type ObjectSchema = Exclude<Schema<{ value: unknown }>['value'], boolean>;

/*
 * The field rules of the engine (core/lineup/field-rules.ts, core/settings/parse-settings.ts) as JSON
 * schema, so every lineup the engine produces can be stored and a hand edit the engine would refuse is
 * caught on load. A unit test checks these patterns against the engine's own checks.
 */
export const ID_PATTERN = `^[a-z0-9][a-z0-9_-]{0,${LIMITS.idMax - 1}}$`;
export const LANGUAGE_PATTERN = '^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$';
/** Non-blank, no control characters (line breaks included). */
export const TEXT_PATTERN = '^[^\\p{Cc}]*[^\\p{Cc}\\s][^\\p{Cc}]*$';
export const HTTP_URL_PATTERN = '^[Hh][Tt][Tt][Pp][Ss]?://[^/\\\\\\s\\p{Cc}][^\\s\\p{Cc}]*$';
export const USER_AGENT_PATTERN = '^[\\u0020-\\u007e]*[\\u0021-\\u007e][\\u0020-\\u007e]*$';
export const HEADER_NAME_PATTERN = "^[!#$%&'*+\\-.^_`|~0-9A-Za-z]+$";
export const HEADER_VALUE_PATTERN = '^[\\t\\u0020-\\u007e\\u00a0-\\u00ff]*$';
export const TOKEN_PATTERN = '^[A-Za-z0-9_-]{32,128}$';

const integer = (field: keyof typeof SETTING_RANGES): ObjectSchema => ({
  type: 'integer',
  minimum: SETTING_RANGES[field][0],
  maximum: SETTING_RANGES[field][1],
});
const text = (maxLength: number = LIMITS.textMax): ObjectSchema => ({ type: 'string', maxLength, pattern: TEXT_PATTERN });
const httpUrl = (maxLength: number = LIMITS.urlMax): ObjectSchema => ({ type: 'string', maxLength, pattern: HTTP_URL_PATTERN });
const id: ObjectSchema = { type: 'string', pattern: ID_PATTERN };
const positive: ObjectSchema = { type: 'integer', minimum: 1 };

const variantSchema: ObjectSchema = {
  type: 'object',
  additionalProperties: false,
  properties: { maxBandwidth: positive, maxHeight: positive, audioLanguage: { type: 'string', maxLength: 35, pattern: LANGUAGE_PATTERN } },
};

const sourceSchema: ObjectSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'url'],
  properties: {
    id,
    url: httpUrl(),
    label: text(),
    userAgent: { type: 'string', maxLength: LIMITS.userAgentMax, pattern: USER_AGENT_PATTERN },
    headers: {
      type: 'object',
      maxProperties: LIMITS.headersMax,
      propertyNames: { maxLength: LIMITS.headerNameMax, pattern: HEADER_NAME_PATTERN },
      additionalProperties: { type: 'string', maxLength: LIMITS.headerValueMax, pattern: HEADER_VALUE_PATTERN },
    },
    provider: id,
    variant: variantSchema,
  },
};

const channelSchema: ObjectSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'name', 'enabled', 'sources'],
  properties: {
    id,
    name: text(),
    group: text(),
    logo: httpUrl(LIMITS.logoMax),
    tvgId: text(),
    enabled: { type: 'boolean' },
    sources: { type: 'array', maxItems: LIMITS.sourcesMax, items: sourceSchema },
    activeSourceId: id,
    pinned: { type: 'boolean' },
    variant: variantSchema,
  },
};

const providerSchema: ObjectSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'maxConnections'],
  properties: {
    id,
    maxConnections: { type: 'integer', minimum: 1, maximum: 1000 },
  },
};

/** Per-key JSON schema (conf's `schema` option: the `properties` of the root object). */
export const SETTINGS_SCHEMA: Schema<StoredSettings> = {
  port: integer('port'),
  lan: { type: 'boolean' },
  userAgent: { type: 'string', maxLength: LIMITS.userAgentMax, pattern: USER_AGENT_PATTERN },
  bufferSegments: integer('bufferSegments'),
  windowSegments: integer('windowSegments'),
  liveEdgeSegments: integer('liveEdgeSegments'),
  idleTimeoutSec: integer('idleTimeoutSec'),
  notifications: { type: 'boolean' },
  startAtLogin: { type: 'boolean' },
  token: { type: 'string', pattern: TOKEN_PATTERN },
  lineup: {
    type: 'object',
    additionalProperties: false,
    required: ['channels', 'providers'],
    properties: {
      channels: { type: 'array', items: channelSchema },
      providers: { type: 'array', items: providerSchema },
    },
  },
};

/**
 * Root keywords: unknown top-level keys make the file invalid (a typo in a hand edit is caught, not
 * ignored); `__internal__` is where conf records the migration version.
 */
export const SETTINGS_ROOT_SCHEMA = {
  additionalProperties: false,
  patternProperties: { '^__internal__$': { type: 'object' } },
} satisfies ObjectSchema;

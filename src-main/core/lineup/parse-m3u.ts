import type { SkippedLine } from '../../shared/import-types.js';
import { RelayError } from '../errors.js';
import {
  LIMITS,
  cleanText,
  headerNameProblem,
  headerValueProblem,
  httpUrlProblem,
  logoProblem,
  truncateText,
  urlHost,
  userAgentProblem,
} from './field-rules.js';

/** One playable line of a provider playlist: its #EXTINF (if any), options and URL. */
export interface M3uEntry {
  /** 1-based line of the entry's #EXTINF, or of its URL when it has none. */
  line: number;
  name: string;
  url: string;
  tvgId?: string;
  tvgName?: string;
  logo?: string;
  group?: string;
  userAgent?: string;
  /** Referer (from #EXTVLCOPT) and headers given Kodi-style after a `|` on the URL line. */
  headers?: Record<string, string>;
}

export interface ParsedM3u {
  entries: M3uEntry[];
  /** Problems, in line order; a line listed here added nothing (or, for option problems, lost that option). */
  skipped: SkippedLine[];
}

/** Longer lines are skipped unread: no real #EXTINF or stream URL comes near it. */
export const MAX_LINE_LENGTH = LIMITS.urlMax;

/** A file that is not a playlist at all (an HTML error page) would otherwise list every line. */
export const MAX_SKIPPED_LISTED = 1000;

interface ExtInf {
  line: number;
  name?: string;
  tvgId?: string;
  tvgName?: string;
  logo?: string;
  group?: string;
}

/** What #EXTGRP and #EXTVLCOPT lines say about the next entry. */
interface Options {
  group?: string;
  userAgent?: string;
  headers: Map<string, [string, string]>;
}

const LINE_BREAK = /\r\n|\r|\n/;
const DURATION = /\s*[-+]?\d*(?:\.\d*)?/y;

/**
 * Parses an IPTV provider playlist (extended M3U). Never throws for any string: every problem becomes a
 * `skipped` line with its 1-based number, and parsing goes on with the next line.
 *
 * - No `#EXTM3U` header: reported on the first non-blank line, the rest is read anyway (a plain list of
 *   URLs is a valid M3U).
 * - A URL line with no #EXTINF becomes an entry named after its host and last path segment.
 * - `#EXTGRP`, `#EXTVLCOPT:http-user-agent` and `#EXTVLCOPT:http-referrer`/`http-referer` apply to the
 *   next URL line; other `#` lines are comments.
 */
export function parseM3u(text: string): ParsedM3u {
  if (typeof text !== 'string') throw new RelayError('bad-request', 'the playlist must be text');
  const lines = text.replace(/^\uFEFF/, '').split(LINE_BREAK);
  const entries: M3uEntry[] = [];
  const problems = createProblemList();
  let pending: ExtInf | undefined;
  // The line of an #EXTINF that was too long to read: its URL must not be imported as a bare entry.
  let droppedInfo: number | undefined;
  let options: Options = { headers: new Map() };
  let sawContent = false;

  // Options read after a lost #EXTINF belonged to it; options before a first #EXTINF are for its entry.
  const dropPending = (): void => {
    if (pending === undefined) return;
    problems.add(pending.line, '#EXTINF without a stream URL after it');
    pending = undefined;
    options = { headers: new Map() };
  };
  const endEntry = (): void => {
    pending = undefined;
    droppedInfo = undefined;
    options = { headers: new Map() };
  };

  for (let index = 0; index < lines.length; index += 1) {
    const lineNo = index + 1;
    const raw = lines[index] ?? '';
    if (raw.length > MAX_LINE_LENGTH) {
      sawContent = true;
      problems.add(lineNo, `line is longer than ${MAX_LINE_LENGTH} characters`);
      const head = raw.trimStart();
      if (isTag(head, '#EXTINF:')) {
        dropPending();
        droppedInfo = lineNo;
      } else if (!head.startsWith('#')) {
        endEntry();
      }
      continue;
    }
    const line = raw.trim();
    if (line === '') continue;
    if (!sawContent) {
      sawContent = true;
      if (isTag(line, '#EXTM3U')) continue;
      problems.add(lineNo, 'no #EXTM3U header: read as a plain list');
    }

    if (line.startsWith('#')) {
      if (isTag(line, '#EXTINF:')) {
        dropPending();
        droppedInfo = undefined;
        pending = parseExtInf(line, lineNo);
      } else if (isTag(line, '#EXTGRP:')) {
        const group = tidy(line.slice('#EXTGRP:'.length));
        if (group !== undefined) options.group = group;
      } else if (isTag(line, '#EXTVLCOPT:')) {
        readVlcOption(line.slice('#EXTVLCOPT:'.length), options, (reason) => problems.add(lineNo, reason));
      }
      continue;
    }

    if (droppedInfo !== undefined) {
      problems.add(lineNo, `stream URL of the entry skipped on line ${droppedInfo}`);
      endEntry();
      continue;
    }
    const pipe = line.indexOf('|');
    const url = pipe === -1 ? line : line.slice(0, pipe);
    const urlProblem = httpUrlProblem(url);
    if (urlProblem !== undefined) {
      problems.add(lineNo, urlProblem);
      endEntry();
      continue;
    }
    if (pipe !== -1) {
      readPipeOptions(line.slice(pipe + 1), options, (reason) => problems.add(lineNo, reason));
    }
    entries.push(buildEntry(url, pending, options, lineNo));
    endEntry();
  }
  dropPending();
  if (!sawContent) problems.add(1, 'the playlist is empty');
  return { entries, skipped: problems.list() };
}

function createProblemList(): { add(line: number, reason: string): void; list(): SkippedLine[] } {
  const listed: SkippedLine[] = [];
  let unlisted = 0;
  let firstUnlisted = 0;
  return {
    add(line, reason) {
      if (listed.length < MAX_SKIPPED_LISTED) {
        listed.push({ line, reason });
      } else {
        if (unlisted === 0) firstUnlisted = line;
        unlisted += 1;
      }
    },
    list() {
      // An #EXTINF is reported when the next one shows it had no URL, after its own option lines.
      const sorted = listed.sort((a, b) => a.line - b.line);
      if (unlisted > 0) sorted.push({ line: firstUnlisted, reason: `${unlisted} more problems not listed` });
      return sorted;
    },
  };
}

function isTag(line: string, tag: string): boolean {
  return line.length >= tag.length && line.slice(0, tag.length).toUpperCase() === tag;
}

function tidy(value: string, max: number = LIMITS.textMax): string | undefined {
  const text = truncateText(cleanText(value), max);
  return text === '' ? undefined : text;
}

/** `#EXTINF:-1 tvg-id="a" tvg-name='b' group-title=News,Display, with commas` */
function parseExtInf(line: string, lineNo: number): ExtInf {
  const attributes = new Map<string, string>();
  let name: string | undefined;
  DURATION.lastIndex = '#EXTINF:'.length;
  let i = DURATION.exec(line) ? DURATION.lastIndex : '#EXTINF:'.length;
  while (i < line.length) {
    const char = line[i];
    if (char === ',') {
      name = line.slice(i + 1);
      break;
    }
    if (isSpace(char)) {
      i += 1;
      continue;
    }
    const keyStart = i;
    while (i < line.length && line[i] !== '=' && line[i] !== ',' && !isSpace(line[i])) i += 1;
    const key = line.slice(keyStart, i).toLowerCase();
    if (line[i] !== '=') continue; // a bare word: nothing to keep
    i += 1;
    let value: string | undefined;
    const quote = line[i];
    if (quote === '"' || quote === "'") {
      const end = line.indexOf(quote, i + 1);
      // An unclosed quote is read like an unquoted value, so the display name after the comma survives.
      i += 1;
      if (end !== -1) {
        value = line.slice(i, end);
        i = end + 1;
      }
    }
    if (value === undefined) {
      const valueStart = i;
      while (i < line.length && line[i] !== ',' && !isSpace(line[i])) i += 1;
      value = line.slice(valueStart, i);
    }
    if (!attributes.has(key)) attributes.set(key, value);
  }
  const logo = attributes.get('tvg-logo')?.trim();
  return {
    line: lineNo,
    name: tidy(name ?? ''),
    tvgId: tidy(attributes.get('tvg-id') ?? ''),
    tvgName: tidy(attributes.get('tvg-name') ?? ''),
    // A logo the window could not load safely is dropped; the channel itself is still fine.
    logo: logo !== undefined && logoProblem(logo) === undefined ? logo : undefined,
    group: tidy(attributes.get('group-title') ?? ''),
  };
}

function isSpace(char: string | undefined): boolean {
  return char === ' ' || char === '\t';
}

function readVlcOption(option: string, options: Options, report: (reason: string) => void): void {
  const equals = option.indexOf('=');
  if (equals === -1) return;
  const key = option.slice(0, equals).trim().toLowerCase();
  const value = option.slice(equals + 1).trim();
  if (key === 'http-user-agent') {
    setUserAgent(value, options, report);
  } else if (key === 'http-referrer' || key === 'http-referer') {
    setHeader('Referer', value, options, report);
  }
}

/** Kodi's `URL|User-Agent=…&Referer=…`, values URL-encoded. */
function readPipeOptions(text: string, options: Options, report: (reason: string) => void): void {
  for (const pair of text.split('&')) {
    const equals = pair.indexOf('=');
    if (equals <= 0) continue;
    const name = pair.slice(0, equals).trim();
    const value = decodeLoosely(pair.slice(equals + 1)).trim();
    if (name.toLowerCase() === 'user-agent') setUserAgent(value, options, report);
    else setHeader(name, value, options, report);
  }
}

function decodeLoosely(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function setUserAgent(value: string, options: Options, report: (reason: string) => void): void {
  const problem = userAgentProblem(value);
  if (problem === undefined) options.userAgent = value;
  else report(`user agent ignored: it ${problem}`);
}

function setHeader(name: string, value: string, options: Options, report: (reason: string) => void): void {
  const problem =
    headerNameProblem(name) ?? headerValueProblem(value) ?? (value === '' ? 'must not be empty' : undefined);
  if (problem === undefined) options.headers.set(name.toLowerCase(), [name, value]);
  else report(`header ${truncateText(cleanText(name), 40)} ignored: ${problem}`);
}

function buildEntry(url: string, info: ExtInf | undefined, options: Options, urlLine: number): M3uEntry {
  const entry: M3uEntry = {
    line: info?.line ?? urlLine,
    name: info?.name ?? info?.tvgName ?? nameFromUrl(url),
    url,
  };
  if (info?.tvgId !== undefined) entry.tvgId = info.tvgId;
  if (info?.tvgName !== undefined) entry.tvgName = info.tvgName;
  if (info?.logo !== undefined) entry.logo = info.logo;
  const group = info?.group ?? options.group;
  if (group !== undefined) entry.group = group;
  if (options.userAgent !== undefined) entry.userAgent = options.userAgent;
  if (options.headers.size > 0) entry.headers = Object.fromEntries(options.headers.values());
  return entry;
}

/**
 * Not the whole URL: provider URLs carry the account's user name, password or token in the path and the
 * query, and a channel name ends up in the window, the tray menu and (as a slug) in /channels.m3u.
 */
function nameFromUrl(url: string): string {
  const segments = new URL(url).pathname.split('/').filter((segment) => segment !== '');
  const last = segments.at(-1);
  const host = urlHost(url);
  return tidy(last === undefined ? host : `${host}/${decodeLoosely(last)}`) ?? host;
}

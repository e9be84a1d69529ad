import { timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import type { IncomingMessage } from 'node:http';
import { RelayError } from '../errors.js';

const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/** The host name of a Host header, without port (IPv6 literals keep their brackets). */
export function hostName(hostHeader: string): string {
  const trimmed = hostHeader.trim().toLowerCase();
  if (trimmed.startsWith('[')) return trimmed.slice(0, trimmed.indexOf(']') + 1);
  return trimmed.replace(/:\d+$/, '');
}

/**
 * Control routes answer only to names that cannot be rebound by DNS: loopback names, IP literals (LAN use
 * by address) and names the user allowed. A page on evil.example resolving to 127.0.0.1 sends its own Host.
 */
export function checkHost(request: IncomingMessage, allowedHosts: ReadonlySet<string>): void {
  const header = request.headers.host;
  if (!header) throw new RelayError('forbidden-host', 'Missing Host header');
  const name = hostName(header);
  const literal = name.startsWith('[') ? name.slice(1, -1) : name;
  if (LOOPBACK_NAMES.has(name) || isIP(literal) !== 0 || allowedHosts.has(name)) return;
  throw new RelayError('forbidden-host', `Host "${name.slice(0, 100)}" is not allowed for the control API`);
}

/** Browsers send Origin on cross-site requests: only the relay's own origin may use the control API. */
export function checkOrigin(request: IncomingMessage): void {
  const origin = request.headers.origin;
  if (origin === undefined) return;
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    throw new RelayError('forbidden-origin', 'Cross-origin requests are not allowed');
  }
  if (parsed.host.toLowerCase() !== (request.headers.host ?? '').toLowerCase()) {
    throw new RelayError('forbidden-origin', `Requests from ${origin.slice(0, 100)} are not allowed`);
  }
}

/** `Authorization: Bearer <token>`, compared in constant time. */
export function checkToken(request: IncomingMessage, token: string): void {
  const header = request.headers.authorization ?? '';
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  const given = Buffer.from(match?.[1] ?? '');
  const expected = Buffer.from(token);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new RelayError('unauthorized', 'A valid token is required (Authorization: Bearer <token>)');
  }
}

/** Request bodies of the control API are JSON only (a form post from another site is refused). */
export function checkJsonContentType(request: IncomingMessage): void {
  const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') {
    throw new RelayError('unsupported-media-type', 'Send the request body as application/json');
  }
}

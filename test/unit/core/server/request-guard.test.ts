import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { RelayError } from '../../../../src-main/core/errors.js';
import { checkHost, checkJsonContentType, checkOrigin, checkToken, hostName } from '../../../../src-main/core/server/request-guard.js';

/** The guards read only the headers of a request. */
function requestWith(headers: IncomingHttpHeaders): IncomingMessage {
  return { headers } as IncomingMessage;
}

/** The code a guard throws, or 'passed'. Anything but a RelayError fails the test. */
function outcome(guard: () => void): string {
  try {
    guard();
    return 'passed';
  } catch (error) {
    expect(error).toBeInstanceOf(RelayError);
    return (error as RelayError).code;
  }
}

describe('hostName', () => {
  it.each([
    ['localhost:5000', 'localhost'],
    ['LOCALHOST', 'localhost'],
    ['127.0.0.1:5000', '127.0.0.1'],
    ['[::1]:5000', '[::1]'],
    ['[::1]', '[::1]'],
    ['[fe80::1%25eth0]:8080', '[fe80::1%25eth0]'],
    ['[2001:db8::1]:443', '[2001:db8::1]'],
    ['relay.lan', 'relay.lan'],
    ['  Relay.LAN:80  ', 'relay.lan'],
    ['evil.example:5000', 'evil.example'],
  ])('%j → %j', (header, name) => {
    expect(hostName(header)).toBe(name);
  });
});

describe('checkHost: DNS-rebinding defence for the control API', () => {
  const allowed = new Set(['relay.lan', 'tv-box.local']);

  it.each([
    'localhost',
    'localhost:5000',
    '127.0.0.1:5000',
    '[::1]:5000',
    // IP literals: LAN use by address cannot be rebound.
    '192.168.1.20:5000',
    '10.0.0.5',
    '[fe80::1]:5000',
    '[2001:db8::7]',
    // Names the user allowed.
    'relay.lan:5000',
    'TV-BOX.local',
  ])('allows Host %j', (host) => {
    expect(outcome(() => checkHost(requestWith({ host }), allowed))).toBe('passed');
  });

  it.each([
    'evil.example:5000',
    'localhost.evil.example',
    '127.0.0.1.nip.io:5000',
    'relay.lan.evil.example',
    '2130706433:5000',
    '[::1',
    '',
  ])('refuses Host %j', (host) => {
    expect(outcome(() => checkHost(requestWith({ host }), allowed))).toBe('forbidden-host');
  });

  it('refuses a request without Host', () => {
    expect(outcome(() => checkHost(requestWith({}), allowed))).toBe('forbidden-host');
  });

  it('keeps the error message short for a huge Host', () => {
    expect(() => checkHost(requestWith({ host: 'a'.repeat(10_000) }), allowed)).toThrow(/^Host "a{100}" is not allowed/);
  });
});

describe('checkOrigin', () => {
  it.each<[IncomingHttpHeaders, string]>([
    [{ host: '127.0.0.1:5000' }, 'passed'],
    [{ host: '127.0.0.1:5000', origin: 'http://127.0.0.1:5000' }, 'passed'],
    [{ host: 'localhost:5000', origin: 'http://LOCALHOST:5000' }, 'passed'],
    [{ host: '[::1]:5000', origin: 'http://[::1]:5000' }, 'passed'],
    [{ host: '127.0.0.1:5000', origin: 'http://evil.example' }, 'forbidden-origin'],
    [{ host: '127.0.0.1:5000', origin: 'http://127.0.0.1:5001' }, 'forbidden-origin'],
    [{ host: '127.0.0.1:5000', origin: 'http://localhost:5000' }, 'forbidden-origin'],
    [{ host: '127.0.0.1:5000', origin: 'null' }, 'forbidden-origin'],
    [{ host: '127.0.0.1:5000', origin: '' }, 'forbidden-origin'],
    [{ origin: 'http://127.0.0.1:5000' }, 'forbidden-origin'],
  ])('%j → %s', (headers, expected) => {
    expect(outcome(() => checkOrigin(requestWith(headers)))).toBe(expected);
  });
});

describe('checkToken', () => {
  const TOKEN = 'secret-token-0123';

  it.each([
    [`Bearer ${TOKEN}`, 'passed'],
    [`bearer ${TOKEN}`, 'passed'],
    [`BEARER   ${TOKEN}  `, 'passed'],
    [`Bearer ${TOKEN.slice(0, -1)}X`, 'unauthorized'],
    [`Bearer ${TOKEN.slice(0, -1)}`, 'unauthorized'],
    [`Bearer ${TOKEN}0`, 'unauthorized'],
    [`Bearer ${TOKEN}${'0'.repeat(10_000)}`, 'unauthorized'],
    ['Bearer x', 'unauthorized'],
    ['Bearer', 'unauthorized'],
    ['Bearer ', 'unauthorized'],
    [TOKEN, 'unauthorized'],
    [`Basic ${Buffer.from(`user:${TOKEN}`).toString('base64')}`, 'unauthorized'],
    [`Bearer ${TOKEN} ${TOKEN}`, 'unauthorized'],
    [`Bearer ${TOKEN.toUpperCase()}`, 'unauthorized'],
    ['', 'unauthorized'],
  ])('Authorization %j → %s (never a RangeError from timingSafeEqual)', (authorization, expected) => {
    expect(outcome(() => checkToken(requestWith({ authorization }), TOKEN))).toBe(expected);
  });

  it('refuses a request without Authorization', () => {
    expect(outcome(() => checkToken(requestWith({}), TOKEN))).toBe('unauthorized');
  });

  it('compares bytes, not characters: a multi-byte token of the same length in characters does not pass', () => {
    expect(outcome(() => checkToken(requestWith({ authorization: 'Bearer ééééééééé' }), 'eeeeeeeee'))).toBe('unauthorized');
  });
});

describe('checkJsonContentType', () => {
  it.each([
    ['application/json', 'passed'],
    ['application/json; charset=utf-8', 'passed'],
    ['Application/JSON;charset=UTF-8', 'passed'],
    [' application/json ', 'passed'],
    ['text/plain', 'unsupported-media-type'],
    ['text/plain; charset=application/json', 'unsupported-media-type'],
    ['application/x-www-form-urlencoded', 'unsupported-media-type'],
    ['multipart/form-data; boundary=x', 'unsupported-media-type'],
    ['application/jsonp', 'unsupported-media-type'],
    ['application/json-patch+json', 'unsupported-media-type'],
    ['', 'unsupported-media-type'],
  ])('%j → %s', (type, expected) => {
    expect(outcome(() => checkJsonContentType(requestWith({ 'content-type': type })))).toBe(expected);
  });

  it('refuses a body without Content-Type', () => {
    expect(outcome(() => checkJsonContentType(requestWith({})))).toBe('unsupported-media-type');
  });
});

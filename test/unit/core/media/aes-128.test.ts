import { createCipheriv, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RelayError } from '../../../../src-main/core/errors.js';
import { decryptAes128 } from '../../../../src-main/core/media/aes-128.js';
import { checkTransportStream } from '../../../../src-main/core/media/check-segment.js';
import { demoFixturesDir } from '../../../../src-main/demo/fixtures.js';

const KEY = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
const IV = Buffer.from('000000000000000000000000000004d2', 'hex'); // msn 1234 (RFC 8216 §5.2)
const SEGMENT = readFileSync(join(demoFixturesDir(), 'a', 'seg-000.ts'));

function encrypt(data: Buffer, key = KEY, iv = IV): Buffer {
  const cipher = createCipheriv('aes-128-cbc', key, iv);
  return Buffer.concat([cipher.update(data), cipher.final()]);
}

function codeOf(action: () => unknown): string {
  try {
    action();
    return 'none';
  } catch (error) {
    expect(error).toBeInstanceOf(RelayError);
    return (error as RelayError).code;
  }
}

describe('decryptAes128 (AES-128-CBC, PKCS#7, RFC 8216 §4.3.2.4)', () => {
  it('round-trips a recorded segment', () => {
    const encrypted = encrypt(SEGMENT);
    expect(encrypted.length % 16).toBe(0);
    const decrypted = decryptAes128(encrypted, KEY, IV);
    expect(decrypted.equals(SEGMENT)).toBe(true);
    expect(checkTransportStream(decrypted)).toEqual({ ok: true });
  });

  it.each([[0], [1], [15], [16], [17], [4096]])('round-trips %i bytes (PKCS#7 always pads)', (length) => {
    const data = randomBytes(length);
    expect(decryptAes128(encrypt(data), KEY, IV).equals(data)).toBe(true);
  });

  it('with the wrong IV only the first block differs (the sync byte here, so the TS check catches it)', () => {
    const wrongIv = Buffer.alloc(16, 0xff);
    const decrypted = decryptAes128(encrypt(SEGMENT), KEY, wrongIv);
    expect(decrypted.subarray(16).equals(SEGMENT.subarray(16))).toBe(true);
    expect(decrypted.subarray(0, 16).equals(SEGMENT.subarray(0, 16))).toBe(false);
    expect(checkTransportStream(decrypted).ok).toBe(false);
  });

  it.each<[string, () => unknown]>([
    ['a wrong key (bad padding)', () => decryptAes128(encrypt(SEGMENT), Buffer.from('ffeeddccbbaa99887766554433221100', 'hex'), IV)],
    ['data that is not whole blocks', () => decryptAes128(encrypt(SEGMENT).subarray(0, 1000), KEY, IV)],
    ['an empty body', () => decryptAes128(Buffer.alloc(0), KEY, IV)],
    ['a key of 15 bytes', () => decryptAes128(encrypt(SEGMENT), KEY.subarray(0, 15), IV)],
    ['an HTML page served as the key', () => decryptAes128(encrypt(SEGMENT), Buffer.from('<html>403</html>!'), IV)],
    ['an IV of 8 bytes', () => decryptAes128(encrypt(SEGMENT), KEY, IV.subarray(0, 8))],
  ])('reports %s as segment-invalid', (_name, action) => {
    expect(codeOf(action)).toBe('segment-invalid');
  });
});

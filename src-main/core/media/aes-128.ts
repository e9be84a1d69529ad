import { createDecipheriv } from 'node:crypto';
import { RelayError } from '../errors.js';

/** AES-128-CBC with PKCS#7 padding, as HLS full-segment encryption uses (RFC 8216 §5.2). */
export function decryptAes128(data: Buffer, key: Buffer, iv: Buffer): Buffer {
  try {
    const decipher = createDecipheriv('aes-128-cbc', key, iv);
    return Buffer.concat([decipher.update(data), decipher.final()]);
  } catch (error) {
    throw new RelayError('segment-invalid', 'Segment does not decrypt with its key', { cause: error });
  }
}

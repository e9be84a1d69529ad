import { createCipheriv } from 'node:crypto';

/**
 * HLS AES-128 (RFC 8216 §4.3.2.4): the whole segment is AES-128-CBC encrypted with PKCS7 padding. Without
 * an IV attribute the IV is the media sequence number as a 128-bit big-endian integer.
 */
export function implicitIv(msn: number): Buffer {
  const iv = Buffer.alloc(16);
  iv.writeBigUInt64BE(BigInt(msn), 8);
  return iv;
}

/**
 * The IV the origin writes as IV=0x… when asked for explicit IVs: deliberately not the implicit one, so a
 * client that ignores the attribute fails to decrypt.
 */
export function explicitIv(msn: number): Buffer {
  const iv = implicitIv(msn);
  iv.fill(0xa5, 0, 8);
  return iv;
}

export function encryptSegment(bytes: Buffer, key: Buffer, iv: Buffer): Buffer {
  const cipher = createCipheriv('aes-128-cbc', key, iv);
  return Buffer.concat([cipher.update(bytes), cipher.final()]);
}

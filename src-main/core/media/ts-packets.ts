const PACKET = 188;
const NULL_PID = 0x1fff;

/**
 * A copy of an MPEG-TS segment with the discontinuity_indicator set in the adaptation field of its first
 * packet carrying a PCR, so a player reading one continuous stream resets its clock there
 * (ISO/IEC 13818-1 §2.4.3.5). Returns the input unchanged when no packet carries a PCR.
 */
export function markDiscontinuity(segment: Buffer): Buffer {
  for (let offset = 0; offset + PACKET <= segment.length; offset += PACKET) {
    const adaptationControl = (segment[offset + 3]! >> 4) & 0x3;
    const hasAdaptation = adaptationControl === 2 || adaptationControl === 3;
    const adaptationLength = segment[offset + 4]!;
    if (!hasAdaptation || adaptationLength === 0) continue;
    const flags = segment[offset + 5]!;
    if ((flags & 0x10) === 0) continue;
    const copy = Buffer.from(segment);
    copy[offset + 5] = flags | 0x80;
    return copy;
  }
  return segment;
}

/** `count` null packets (PID 0x1FFF): valid TS that players discard, to keep a connection alive. */
export function nullPackets(count: number): Buffer {
  const packets = Buffer.alloc(count * PACKET, 0xff);
  for (let index = 0; index < count; index += 1) {
    const offset = index * PACKET;
    packets[offset] = 0x47;
    packets[offset + 1] = (NULL_PID >> 8) & 0x1f;
    packets[offset + 2] = NULL_PID & 0xff;
    packets[offset + 3] = 0x10; // payload only, continuity counter 0
  }
  return packets;
}

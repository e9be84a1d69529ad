import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkTransportStream } from '../../../../src-main/core/media/check-segment.js';
import { markSplice, nullPackets } from '../../../../src-main/core/media/ts-packets.js';
import { demoFixturesDir } from '../../../../src-main/demo/fixtures.js';

const PACKET = 188;
const NULL_PID = 0x1fff;

function fixture(path: string): Buffer {
  return readFileSync(join(demoFixturesDir(), path));
}

function names(source: string): string[] {
  return Array.from({ length: 40 }, (_, index) => `${source}/seg-${String(index).padStart(3, '0')}.ts`);
}

interface Packet {
  pid: number;
  counter: number;
  hasPayload: boolean;
  hasAdaptation: boolean;
  discontinuity: boolean;
  pcr: boolean;
}

function packets(bytes: Buffer): Packet[] {
  const out: Packet[] = [];
  for (let offset = 0; offset + PACKET <= bytes.length; offset += PACKET) {
    const control = (bytes[offset + 3]! >> 4) & 0x3;
    const hasAdaptation = control === 2 || control === 3;
    const adaptationLength = hasAdaptation ? bytes[offset + 4]! : 0;
    const flags = adaptationLength > 0 ? bytes[offset + 5]! : 0;
    out.push({
      pid: ((bytes[offset + 1]! & 0x1f) << 8) | bytes[offset + 2]!,
      counter: bytes[offset + 3]! & 0x0f,
      hasPayload: control === 1 || control === 3,
      hasAdaptation,
      discontinuity: (flags & 0x80) !== 0,
      pcr: (flags & 0x10) !== 0,
    });
  }
  return out;
}

/**
 * Continuity errors as a decoder counts them (ISO/IEC 13818-1 §2.4.3.3): per PID, the counter stays the
 * same on packets without payload and goes up by one (mod 16) on packets with payload; a packet with the
 * discontinuity_indicator set may carry any counter. Null packets are exempt.
 */
function continuityErrors(bytes: Buffer): string[] {
  const last = new Map<number, number>();
  const errors: string[] = [];
  packets(bytes).forEach((packet, index) => {
    if (packet.pid === NULL_PID) return;
    const previous = last.get(packet.pid);
    last.set(packet.pid, packet.counter);
    if (previous === undefined || packet.discontinuity) return;
    const expected = packet.hasPayload ? (previous + 1) & 0x0f : previous;
    if (packet.counter !== expected) errors.push(`packet ${index} PID 0x${packet.pid.toString(16)}: counter ${packet.counter}, expected ${expected}`);
  });
  return errors;
}

function distinctPids(bytes: Buffer): number[] {
  return [...new Set(packets(bytes).map((packet) => packet.pid))].filter((pid) => pid !== NULL_PID);
}

/** A TS packet with the given header fields; an adaptation field (with `flags`) fills the rest when asked. */
function tsPacket(pid: number, counter: number, options: { payload?: boolean; adaptation?: boolean; flags?: number } = {}): Buffer {
  const packet = Buffer.alloc(PACKET, 0xff);
  const payload = options.payload ?? true;
  const adaptation = options.adaptation ?? false;
  packet[0] = 0x47;
  packet[1] = (pid >> 8) & 0x1f;
  packet[2] = pid & 0xff;
  packet[3] = ((adaptation ? 2 : 0) | (payload ? 1 : 0)) << 4 | counter;
  if (adaptation) {
    packet[4] = payload ? 7 : PACKET - 5;
    packet[5] = options.flags ?? 0;
  }
  return packet;
}

const SEGMENTS = [...names('a'), ...names('b'), ...names('c')];
/** Segments a splice may follow: other sources, other positions, and an already marked one. */
const PREVIOUS = ['a/seg-000.ts', 'a/seg-039.ts', 'b/seg-017.ts', 'c/seg-031.ts'].map(fixture);

describe('markSplice', () => {
  it('the recorded segments play continuously on their own (the checker sees no error in a whole source)', () => {
    expect(continuityErrors(Buffer.concat(names('a').map(fixture)))).toEqual([]);
  });

  it('the checker does see the error of an unmarked splice', () => {
    expect(continuityErrors(Buffer.concat([fixture('a/seg-000.ts'), fixture('b/seg-017.ts')])).length).toBeGreaterThan(0);
  });

  it.each(SEGMENTS)('%s marked stays valid TS and follows any other segment without a continuity error', (name) => {
    const segment = fixture(name);
    const marked = markSplice(segment);
    expect(checkTransportStream(marked)).toEqual({ ok: true });
    for (const previous of [...PREVIOUS, markSplice(PREVIOUS[1]!)]) {
      expect(continuityErrors(Buffer.concat([previous, marked]))).toEqual([]);
    }
  });

  it('a marked segment is still followed without error by the next segment of its own source', () => {
    const stream = Buffer.concat([fixture('a/seg-009.ts'), markSplice(fixture('a/seg-010.ts')), ...[11, 12, 13].map((index) => fixture(`a/seg-0${index}.ts`))]);
    expect(continuityErrors(stream)).toEqual([]);
  });

  it('inserts, before everything else, one adaptation-only packet with the discontinuity indicator per PID', () => {
    const segment = fixture('a/seg-007.ts');
    const pids = distinctPids(segment);
    const marked = markSplice(segment);
    expect(marked.length).toBe(segment.length + pids.length * PACKET);
    const inserted = packets(marked).slice(0, pids.length);
    expect(inserted.map((packet) => packet.pid).sort()).toEqual([...pids].sort());
    for (const packet of inserted) expect(packet).toMatchObject({ hasAdaptation: true, hasPayload: false, discontinuity: true, pcr: false });
    // Adaptation-only: adaptation_field_length covers the whole rest of the packet.
    for (let index = 0; index < pids.length; index += 1) expect(marked[index * PACKET + 4]).toBe(183);
  });

  it('flags the first PCR of the segment as a time-base discontinuity and changes nothing else', () => {
    const segment = fixture('b/seg-003.ts');
    const inserted = distinctPids(segment).length * PACKET;
    const marked = markSplice(segment);
    const firstPcr = packets(segment).findIndex((packet) => packet.pcr);
    expect(firstPcr).toBeGreaterThanOrEqual(0);
    expect(packets(marked.subarray(inserted))[firstPcr]).toMatchObject({ pcr: true, discontinuity: true });
    const expected = Buffer.from(segment);
    expected[firstPcr * PACKET + 5]! |= 0x80;
    expect(marked.subarray(inserted).equals(expected)).toBe(true);
    // The input is not modified.
    expect(packets(segment)[firstPcr]!.discontinuity).toBe(false);
  });

  it('inserts nothing for null packets (PID 0x1FFF)', () => {
    const segment = Buffer.concat([nullPackets(3), fixture('a/seg-001.ts')]);
    const marked = markSplice(segment);
    const pids = distinctPids(segment);
    expect(marked.length).toBe(segment.length + pids.length * PACKET);
    expect(packets(marked).slice(0, pids.length).some((packet) => packet.pid === NULL_PID)).toBe(false);
  });

  it.each([
    ['a first packet with payload at counter 0', [tsPacket(0x100, 0), tsPacket(0x100, 1)]],
    ['a first packet with payload at counter 15', [tsPacket(0x100, 15), tsPacket(0x100, 0)]],
    ['a first packet without payload', [tsPacket(0x100, 5, { payload: false, adaptation: true }), tsPacket(0x100, 6)]],
    ['adaptation and payload', [tsPacket(0x100, 9, { adaptation: true }), tsPacket(0x100, 10)]],
    ['several PIDs', [tsPacket(0x100, 3), tsPacket(0x101, 12), tsPacket(0x100, 4), tsPacket(0x101, 13)]],
  ])('keeps counters in line for %s', (_name, list) => {
    const segment = Buffer.concat(list);
    const marked = markSplice(segment);
    const previous = Buffer.concat([tsPacket(0x100, 7), tsPacket(0x101, 7)]);
    expect(continuityErrors(Buffer.concat([previous, marked]))).toEqual([]);
    // The inserted packet's counter is the one just before the real first packet's (§2.4.3.3).
    const realFirst = packets(segment)[0]!;
    const inserted = packets(marked).find((packet) => packet.pid === realFirst.pid)!;
    expect(inserted.counter).toBe(realFirst.hasPayload ? (realFirst.counter + 15) & 0x0f : realFirst.counter);
  });

  it('returns an empty segment unchanged', () => {
    expect(markSplice(Buffer.alloc(0))).toEqual(Buffer.alloc(0));
  });
});

describe('nullPackets', () => {
  it.each([[1], [7], [100]])('makes %i valid null packets', (count) => {
    const bytes = nullPackets(count);
    expect(bytes.length).toBe(count * PACKET);
    expect(checkTransportStream(bytes)).toEqual({ ok: true });
    expect(packets(bytes).every((packet) => packet.pid === NULL_PID && packet.hasPayload && !packet.hasAdaptation)).toBe(true);
  });

  it('can be sent between segments without breaking continuity', () => {
    const stream = Buffer.concat([fixture('a/seg-000.ts'), nullPackets(7), fixture('a/seg-001.ts')]);
    expect(continuityErrors(stream)).toEqual([]);
  });

  it('makes nothing for 0', () => {
    expect(nullPackets(0).length).toBe(0);
  });
});

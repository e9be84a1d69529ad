/** ISO BMFF boxes: where each one is in a buffer, read without copying. */
export interface Box {
  type: string;
  start: number;
  /** Where the payload starts (after the 8- or 16-byte header). */
  body: number;
  end: number;
}

export type BoxList = { ok: true; boxes: Box[] } | { ok: false; reason: string };

/** The boxes that tile `bytes[from, to)` exactly, or why they do not. */
export function readBoxes(bytes: Uint8Array, from = 0, to = bytes.length): BoxList {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const boxes: Box[] = [];
  let offset = from;
  while (offset < to) {
    if (to - offset < 8) return { ok: false, reason: `truncated box header at offset ${offset}` };
    const type = boxType(bytes, offset + 4);
    if (type === null) return { ok: false, reason: `unreadable box type at offset ${offset}` };
    let size = view.getUint32(offset);
    let header = 8;
    if (size === 1) {
      if (to - offset < 16) return { ok: false, reason: `truncated large box at offset ${offset}` };
      size = Number(view.getBigUint64(offset + 8));
      header = 16;
    } else if (size === 0) {
      size = to - offset;
    }
    if (size < header || offset + size > to) {
      return { ok: false, reason: `box '${type}' at offset ${offset} claims ${size} bytes, ${to - offset} remain` };
    }
    boxes.push({ type, start: offset, body: offset + header, end: offset + size });
    offset += size;
  }
  return { ok: true, boxes };
}

/** The child boxes of a container box; empty when they do not tile it. */
export function childBoxes(bytes: Uint8Array, parent: Box): Box[] {
  const children = readBoxes(bytes, parent.body, parent.end);
  return children.ok ? children.boxes : [];
}

/** The first box down a path of container types (`['mdia', 'hdlr']`), starting among `boxes`. */
export function findBox(bytes: Uint8Array, boxes: readonly Box[], path: readonly string[]): Box | undefined {
  const [type, ...rest] = path;
  const box = boxes.find((candidate) => candidate.type === type);
  if (!box || rest.length === 0) return box;
  return findBox(bytes, childBoxes(bytes, box), rest);
}

/** A full box's version (the byte after its header). */
export function boxVersion(bytes: Uint8Array, box: Box): number {
  return bytes[box.body] ?? 0;
}

/** A full box's 24-bit flags. */
export function boxFlags(bytes: Uint8Array, box: Box): number {
  return ((bytes[box.body + 1] ?? 0) << 16) | ((bytes[box.body + 2] ?? 0) << 8) | (bytes[box.body + 3] ?? 0);
}

/** A box with a new payload (its header rewritten for the new size). */
export function buildBox(type: string, payload: readonly Uint8Array[]): Buffer {
  const size = 8 + payload.reduce((total, part) => total + part.length, 0);
  const header = Buffer.alloc(8);
  header.writeUInt32BE(size);
  header.write(type, 4, 'latin1');
  return Buffer.concat([header, ...payload]);
}

/** The four-character type at `offset`, or null when it is not printable. */
export function boxType(bytes: Uint8Array, offset: number): string | null {
  let type = '';
  for (let index = offset; index < offset + 4; index += 1) {
    const code = bytes[index];
    // Box types are four printable characters (a few use a space or ©).
    if (code === undefined || code < 0x20 || code > 0xa9 || (code > 0x7e && code !== 0xa9)) return null;
    type += String.fromCharCode(code);
  }
  return type;
}

#!/usr/bin/env node
// Draws the app and tray icons in plain Node and writes them to assets/ (the outputs are committed):
//   icon.png (1024), icon.ico (PNG entries 16–256), icon.icns (PNG entries ic07–ic10),
//   tray/tray.png + @2x, tray/trayTemplate.png + @2x (black + alpha for macOS), tray/tray-failing.png + @2x.
// The mark: a rounded square with a play triangle and two relay arcs. Shapes are signed distance
// functions; a pixel's coverage comes from its distance to the edge, so every size is drawn, not scaled.
// Usage: node scripts/make-icons.mjs [--out <dir>]
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { deflateSync } from 'node:zlib';

// ---- PNG -------------------------------------------------------------------------------------------

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes) {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = CRC_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** 8-bit RGBA, non-interlaced; `rgba` is size × size × 4 bytes. */
function encodePng(size, rgba) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8); // bit depth 8, colour type 6 (RGBA), deflate, filter 0, no interlace
  const rows = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y += 1) {
    rows[y * (size * 4 + 1)] = 0; // filter: none
    rgba.copy(rows, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// ---- ICO and ICNS containers -----------------------------------------------------------------------

function encodeIco(entries) {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2); // type: icon
  header.writeUInt16LE(entries.length, 4);
  let offset = 6 + 16 * entries.length;
  const directory = entries.map(({ size, png }) => {
    const entry = Buffer.alloc(16);
    entry[0] = size >= 256 ? 0 : size; // 0 means 256
    entry[1] = size >= 256 ? 0 : size;
    entry.writeUInt16LE(1, 4); // colour planes
    entry.writeUInt16LE(32, 6); // bits per pixel
    entry.writeUInt32LE(png.length, 8);
    entry.writeUInt32LE(offset, 12);
    offset += png.length;
    return entry;
  });
  return Buffer.concat([header, ...directory, ...entries.map(({ png }) => png)]);
}

function encodeIcns(entries) {
  const blocks = entries.map(({ type, png }) => {
    const head = Buffer.alloc(8);
    head.write(type, 0, 'latin1');
    head.writeUInt32BE(png.length + 8, 4);
    return Buffer.concat([head, png]);
  });
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'latin1');
  head.writeUInt32BE(8 + blocks.reduce((sum, block) => sum + block.length, 0), 4);
  return Buffer.concat([head, ...blocks]);
}

// ---- Shapes (unit square, y down) ------------------------------------------------------------------

function roundedSquare(cx, cy, half, radius) {
  return (x, y) => {
    const qx = Math.abs(x - cx) - half + radius;
    const qy = Math.abs(y - cy) - half + radius;
    return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - radius;
  };
}

/** Convex polygon (clockwise or not), corners rounded by `radius`. */
function roundedPolygon(points, radius) {
  return (x, y) => {
    let distance = Infinity;
    let inside = true;
    let sign = 0;
    for (let i = 0; i < points.length; i += 1) {
      const [ax, ay] = points[i];
      const [bx, by] = points[(i + 1) % points.length];
      const ex = bx - ax;
      const ey = by - ay;
      const t = Math.max(0, Math.min(1, ((x - ax) * ex + (y - ay) * ey) / (ex * ex + ey * ey)));
      distance = Math.min(distance, Math.hypot(x - ax - ex * t, y - ay - ey * t));
      const side = Math.sign(ex * (y - ay) - ey * (x - ax));
      if (side !== 0) {
        if (sign === 0) sign = side;
        else if (side !== sign) inside = false;
      }
    }
    return (inside ? -distance : distance) - radius;
  };
}

/** Stroke of a circle arc around (cx, cy), opening to the right, with round caps. */
function arc(cx, cy, radius, halfAngle, width) {
  const ends = [-halfAngle, halfAngle].map((angle) => [cx + radius * Math.cos(angle), cy + radius * Math.sin(angle)]);
  return (x, y) => {
    const angle = Math.atan2(y - cy, x - cx);
    if (Math.abs(angle) <= halfAngle) return Math.abs(Math.hypot(x - cx, y - cy) - radius) - width / 2;
    return Math.min(...ends.map(([ex, ey]) => Math.hypot(x - ex, y - ey))) - width / 2;
  };
}

const union = (...shapes) => (x, y) => Math.min(...shapes.map((shape) => shape(x, y)));

// ---- Painting --------------------------------------------------------------------------------------

const hex = (value) => [0, 2, 4].map((offset) => parseInt(value.slice(1 + offset, 3 + offset), 16) / 255);

/** A vertical gradient, or one colour. */
const vertical = (top, bottom) => (_x, y) => hex(top).map((channel, index) => channel + (hex(bottom)[index] - channel) * y);
const solid = (colour) => () => hex(colour);

/** Paints `layers` ({ shape, paint }) over a transparent canvas; returns straight-alpha RGBA bytes. */
function render(size, layers) {
  const rgba = Buffer.alloc(size * size * 4);
  const pixel = 1 / size;
  for (let py = 0; py < size; py += 1) {
    for (let px = 0; px < size; px += 1) {
      const x = (px + 0.5) / size;
      const y = (py + 0.5) / size;
      let [r, g, b, a] = [0, 0, 0, 0]; // premultiplied
      for (const { shape, paint } of layers) {
        const coverage = Math.max(0, Math.min(1, 0.5 - shape(x, y) / pixel));
        if (coverage === 0) continue;
        const [cr, cg, cb] = paint(x, y);
        r = cr * coverage + r * (1 - coverage);
        g = cg * coverage + g * (1 - coverage);
        b = cb * coverage + b * (1 - coverage);
        a = coverage + a * (1 - coverage);
      }
      const offset = (py * size + px) * 4;
      rgba[offset] = a > 0 ? Math.round((r / a) * 255) : 0;
      rgba[offset + 1] = a > 0 ? Math.round((g / a) * 255) : 0;
      rgba[offset + 2] = a > 0 ? Math.round((b / a) * 255) : 0;
      rgba[offset + 3] = Math.round(a * 255);
    }
  }
  return encodePng(size, rgba);
}

// ---- The marks -------------------------------------------------------------------------------------

const BLUE = vertical('#3d8bfd', '#1d4ed8');
const RED = vertical('#f26161', '#c0262d');
const WHITE = solid('#ffffff');
const BLACK = solid('#000000');

/** App icon: macOS-style margins, triangle and two arcs. */
const appIcon = [
  { shape: roundedSquare(0.5, 0.5, 0.41, 0.18), paint: BLUE },
  { shape: roundedPolygon([[0.31, 0.31], [0.31, 0.69], [0.56, 0.5]], 0.025), paint: WHITE },
  { shape: arc(0.48, 0.5, 0.2, 0.85, 0.05), paint: WHITE },
  { shape: arc(0.48, 0.5, 0.29, 0.85, 0.05), paint: WHITE },
];

/** Tray icons are 16–32 px: full-bleed square, a bigger triangle and one bold arc. */
const trayMarks = [
  { shape: roundedPolygon([[0.25, 0.24], [0.25, 0.76], [0.6, 0.5]], 0.03), paint: WHITE },
  { shape: arc(0.45, 0.5, 0.34, 0.8, 0.11), paint: WHITE },
];
const trayIcon = (background) => [{ shape: roundedSquare(0.5, 0.5, 0.47, 0.2), paint: background }, ...trayMarks];

/** macOS menu-bar template: shape only, in black; the system colours it. */
const trayTemplate = [
  {
    shape: union(
      roundedPolygon([[0.1, 0.2], [0.1, 0.8], [0.5, 0.5]], 0.03),
      arc(0.38, 0.5, 0.28, 0.8, 0.1),
      arc(0.38, 0.5, 0.47, 0.75, 0.1),
    ),
    paint: BLACK,
  },
];

// ---- Output ----------------------------------------------------------------------------------------

const root = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({ options: { out: { type: 'string' } } });
const out = values.out ?? path.join(root, 'assets');
mkdirSync(path.join(out, 'tray'), { recursive: true });

const write = (file, bytes) => {
  writeFileSync(path.join(out, file), bytes);
  console.log(`${file}  ${bytes.length} bytes`);
};

write('icon.png', render(1024, appIcon));
write('icon.ico', encodeIco([16, 24, 32, 48, 64, 128, 256].map((size) => ({ size, png: render(size, appIcon) }))));
write(
  'icon.icns',
  encodeIcns([['ic07', 128], ['ic08', 256], ['ic09', 512], ['ic10', 1024]].map(([type, size]) => ({ type, png: render(size, appIcon) }))),
);
for (const [name, layers] of [
  ['tray', trayIcon(BLUE)],
  ['trayTemplate', trayTemplate],
  ['tray-failing', trayIcon(RED)],
]) {
  write(`tray/${name}.png`, render(16, layers));
  write(`tray/${name}@2x.png`, render(32, layers));
}

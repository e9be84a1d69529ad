import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../../..');
const assets = path.join(root, 'assets');
let fresh: string;

beforeAll(() => {
  fresh = mkdtempSync(path.join(tmpdir(), 'hls-relay-icons-'));
  const { status, stderr } = spawnSync(process.execPath, [path.join(root, 'scripts/make-icons.mjs'), '--out', fresh], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  expect(stderr).toBe('');
  expect(status).toBe(0);
});

afterAll(() => rmSync(fresh, { recursive: true, force: true }));

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Decodes our PNGs (8-bit RGBA, filter 0) far enough to check size and pixels; verifies every CRC. */
function decodePng(bytes: Buffer): { width: number; height: number; pixel(x: number, y: number): number[] } {
  expect(bytes.subarray(0, 8)).toEqual(PNG_SIGNATURE);
  let offset = 8;
  let width = 0;
  let height = 0;
  const data: Buffer[] = [];
  while (offset < bytes.length) {
    const length = bytes.readUInt32BE(offset);
    const type = bytes.toString('latin1', offset + 4, offset + 8);
    const body = bytes.subarray(offset + 8, offset + 8 + length);
    expect(bytes.readUInt32BE(offset + 8 + length)).toBe(crc32(bytes.subarray(offset + 4, offset + 8 + length)));
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      expect([...body.subarray(8, 13)]).toEqual([8, 6, 0, 0, 0]);
    }
    if (type === 'IDAT') data.push(body);
    offset += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(data));
  expect(raw.length).toBe(height * (width * 4 + 1));
  return {
    width,
    height,
    pixel: (x, y) => [...raw.subarray(y * (width * 4 + 1) + 1 + x * 4, y * (width * 4 + 1) + 1 + x * 4 + 4)],
  };
}

function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit += 1) crc = crc & 1 ? 0xedb88320 ^ (crc >>> 1) : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

const read = (file: string) => readFileSync(path.join(assets, file));

describe('scripts/make-icons.mjs', () => {
  it('has committed exactly what the script draws', () => {
    const files = ['icon.png', 'icon.ico', 'icon.icns', ...readdirSync(path.join(fresh, 'tray')).map((file) => `tray/${file}`)];
    expect(files).toHaveLength(9);
    for (const file of files) expect(read(file).equals(readFileSync(path.join(fresh, file))), file).toBe(true);
  });

  it('draws a 1024 px app icon: transparent corners, blue body, white mark', () => {
    const icon = decodePng(read('icon.png'));
    expect([icon.width, icon.height]).toEqual([1024, 1024]);
    expect(icon.pixel(5, 5)[3]).toBe(0);
    const [r, g, b, a] = icon.pixel(512, 150);
    expect(a).toBe(255);
    expect(b!).toBeGreaterThan(r! + 100);
    expect(b!).toBeGreaterThan(g!);
    expect(icon.pixel(400, 512)).toEqual([255, 255, 255, 255]); // inside the play triangle
  });

  it('packs PNG entries from 16 to 256 px into the ICO', () => {
    const ico = read('icon.ico');
    expect([ico.readUInt16LE(0), ico.readUInt16LE(2)]).toEqual([0, 1]);
    const count = ico.readUInt16LE(4);
    const sizes = Array.from({ length: count }, (_, index) => {
      const entry = 6 + index * 16;
      const png = ico.subarray(ico.readUInt32LE(entry + 12), ico.readUInt32LE(entry + 12) + ico.readUInt32LE(entry + 8));
      const image = decodePng(png);
      expect(ico[entry] === 0 ? 256 : ico[entry]).toBe(image.width);
      return image.width;
    });
    expect(sizes).toEqual([16, 24, 32, 48, 64, 128, 256]);
  });

  it('packs ic07–ic10 PNG entries into the ICNS', () => {
    const icns = read('icon.icns');
    expect(icns.toString('latin1', 0, 4)).toBe('icns');
    expect(icns.readUInt32BE(4)).toBe(icns.length);
    const entries: [string, number][] = [];
    for (let offset = 8; offset < icns.length; offset += icns.readUInt32BE(offset + 4)) {
      const png = icns.subarray(offset + 8, offset + icns.readUInt32BE(offset + 4));
      entries.push([icns.toString('latin1', offset, offset + 4), decodePng(png).width]);
    }
    expect(entries).toEqual([
      ['ic07', 128],
      ['ic08', 256],
      ['ic09', 512],
      ['ic10', 1024],
    ]);
  });

  it('draws tray icons at 16 and 32 px, the macOS template in black and alpha only', () => {
    for (const name of ['tray', 'trayTemplate', 'tray-failing']) {
      expect(decodePng(read(`tray/${name}.png`)).width).toBe(16);
      expect(decodePng(read(`tray/${name}@2x.png`)).width).toBe(32);
    }
    const template = decodePng(read('tray/trayTemplate@2x.png'));
    let opaque = 0;
    for (let y = 0; y < 32; y += 1) {
      for (let x = 0; x < 32; x += 1) {
        const [r, g, b, a] = template.pixel(x, y);
        expect([r, g, b]).toEqual([0, 0, 0]);
        if (a! > 0) opaque += 1;
      }
    }
    expect(opaque).toBeGreaterThan(100);
  });

  it('makes the failing tray icon red where the normal one is blue', () => {
    const [nr, , nb] = decodePng(read('tray/tray@2x.png')).pixel(16, 3);
    const [fr, , fb] = decodePng(read('tray/tray-failing@2x.png')).pixel(16, 3);
    expect(nb!).toBeGreaterThan(nr!);
    expect(fr!).toBeGreaterThan(fb! + 100);
  });
});

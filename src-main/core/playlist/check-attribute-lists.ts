import { RelayError } from '../errors.js';

/** Tags whose value is an attribute list (RFC 8216 §4.2 and later drafts). */
const ATTRIBUTE_TAGS = new Set([
  'EXT-X-KEY',
  'EXT-X-MAP',
  'EXT-X-MEDIA',
  'EXT-X-STREAM-INF',
  'EXT-X-I-FRAME-STREAM-INF',
  'EXT-X-SESSION-DATA',
  'EXT-X-SESSION-KEY',
  'EXT-X-START',
  'EXT-X-DATERANGE',
  'EXT-X-PART',
  'EXT-X-PART-INF',
  'EXT-X-SERVER-CONTROL',
  'EXT-X-PRELOAD-HINT',
  'EXT-X-RENDITION-REPORT',
  'EXT-X-SKIP',
  'EXT-X-CONTENT-STEERING',
  'EXT-X-DEFINE',
]);

/**
 * Checks every attribute list in linear time before m3u8-parser sees it: its attribute regex takes
 * quadratic time on lists of empty attributes (160 000 commas block the process for 40 s), and any
 * upstream can send that. Throws RelayError 'playlist-invalid' naming the line.
 */
export function checkAttributeLists(text: string): void {
  let lineNumber = 0;
  let start = 0;
  while (start <= text.length) {
    const end = nextLineEnd(text, start);
    lineNumber += 1;
    if (text.startsWith('#EXT-X-', start)) {
      const colon = text.indexOf(':', start);
      if (colon !== -1 && colon < end && ATTRIBUTE_TAGS.has(text.slice(start + 1, colon))) {
        const problem = attributeListProblem(text, colon + 1, end);
        if (problem) throw new RelayError('playlist-invalid', `Line ${lineNumber}: ${problem}`);
      }
    }
    start = end + 1;
  }
}

function nextLineEnd(text: string, from: number): number {
  for (let index = from; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code === 10 || code === 13) return index;
  }
  return text.length;
}

/** NAME=VALUE pairs separated by commas; a value is a quoted string or runs to the next comma. */
function attributeListProblem(text: string, from: number, end: number): string | null {
  let index = from;
  while (index < end) {
    while (index < end && text[index] === ' ') index += 1;
    const nameStart = index;
    while (index < end && /[A-Za-z0-9_-]/.test(text[index]!)) index += 1;
    if (index === nameStart) return 'attribute list with an empty or malformed attribute name';
    while (index < end && text[index] === ' ') index += 1;
    if (text[index] !== '=') return 'attribute without a value';
    index += 1;
    if (text[index] === '"') {
      const close = text.indexOf('"', index + 1);
      if (close === -1 || close >= end) return 'unterminated quoted attribute value';
      index = close + 1;
    }
    while (index < end && text[index] !== ',') {
      if (text[index] === '"') return 'stray quote in an attribute value';
      index += 1;
    }
    if (index < end) {
      index += 1; // the comma
      if (index >= end) return null; // a trailing comma is tolerated
    }
  }
  return null;
}

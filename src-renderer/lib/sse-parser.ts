export interface SseParser {
  /** Feeds decoded text; complete messages are delivered synchronously. */
  push(text: string): void;
}

/**
 * An incremental text/event-stream parser (WHATWG HTML §9.2.6) reduced to what the control API sends:
 * `data:` fields, joined by newlines and delivered at each blank line. Comments (`: ping`) and other
 * fields are ignored; lines may end in CRLF, LF or CR, split anywhere across chunks.
 */
export function createSseParser(onMessage: (data: string) => void): SseParser {
  let buffer = '';
  let data: string[] = [];

  function takeLine(line: string): void {
    if (line === '') {
      if (data.length > 0) onMessage(data.join('\n'));
      data = [];
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    if (field !== 'data') return;
    const value = colon === -1 ? '' : line.slice(colon + 1);
    data.push(value.startsWith(' ') ? value.slice(1) : value);
  }

  return {
    push(text) {
      buffer += text;
      let start = 0;
      for (let i = 0; i < buffer.length; i += 1) {
        const char = buffer[i];
        if (char !== '\n' && char !== '\r') continue;
        // A CR at the end of a chunk may be the first half of a CRLF: wait for the next chunk.
        if (char === '\r' && i === buffer.length - 1) break;
        takeLine(buffer.slice(start, i));
        if (char === '\r' && buffer[i + 1] === '\n') i += 1;
        start = i + 1;
      }
      buffer = buffer.slice(start);
    },
  };
}

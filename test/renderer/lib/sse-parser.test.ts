import { describe, expect, it } from 'vitest';
import { createSseParser } from '../../../src-renderer/lib/sse-parser.js';

function parse(chunks: string[]): string[] {
  const messages: string[] = [];
  const parser = createSseParser((data) => messages.push(data));
  for (const chunk of chunks) parser.push(chunk);
  return messages;
}

describe('createSseParser', () => {
  it('delivers each message at its blank line and ignores comments and other fields', () => {
    expect(parse([': ping\n\ndata: {"a":1}\n\nevent: x\nid: 4\ndata: {"b":2}\n\n'])).toEqual(['{"a":1}', '{"b":2}']);
  });

  it('joins multi-line data with newlines and keeps a value without the optional space', () => {
    expect(parse(['data:one\ndata: two\n\n'])).toEqual(['one\ntwo']);
  });

  it('handles CRLF and CR line ends, even split across chunks', () => {
    // A CR ending a chunk may be half a CRLF, so "b" is only known complete when more text arrives.
    expect(parse(['data: a\r', '\n\r', '\ndata: b\r\r'])).toEqual(['a']);
    expect(parse(['data: a\r', '\n\r', '\ndata: b\r\r', ': ping\n'])).toEqual(['a', 'b']);
  });

  it('waits for the rest of a message split anywhere', () => {
    const whole = 'data: {"type":"channel-removed","id":"news"}\n\n';
    for (let cut = 1; cut < whole.length; cut += 1) {
      expect(parse([whole.slice(0, cut), whole.slice(cut)])).toEqual(['{"type":"channel-removed","id":"news"}']);
    }
  });

  it('delivers nothing for an unfinished message', () => {
    expect(parse(['data: half'])).toEqual([]);
  });
});

import type { IncomingMessage } from 'node:http';
import { RelayError } from '../errors.js';

/** Reads and parses a JSON body of at most `maxBytes`; an empty body is `{}`. */
export async function readJsonBody(request: IncomingMessage, maxBytes: number): Promise<unknown> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    throw new RelayError('payload-too-large', `The request body is larger than ${maxBytes} bytes`);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of request) {
    total += (chunk as Buffer).length;
    if (total > maxBytes) throw new RelayError('payload-too-large', `The request body is larger than ${maxBytes} bytes`);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new RelayError('bad-request', `The request body is not valid JSON: ${(error as Error).message}`);
  }
}

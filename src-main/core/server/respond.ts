import type { ServerResponse } from 'node:http';
import type { ErrorCode } from '../../shared/error-codes.js';
import { RelayError, toErrorInfo } from '../errors.js';
import { statusForCode } from './http-status.js';

/** Stream routes may be played by browser players on any origin; control routes never get this. */
export const STREAM_CORS = {
  'access-control-allow-origin': '*',
  'access-control-expose-headers': 'content-length, content-range',
};

export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    ...headers,
  });
  response.end(text);
}

/** `{ error: { code, message } }` with the status for its code. */
export function sendError(response: ServerResponse, error: unknown, headers: Record<string, string> = {}): void {
  const info = toErrorInfo(error);
  if (response.headersSent) {
    response.destroy();
    return;
  }
  sendJson(response, statusForCode(info.code), { error: info }, headers);
}

export function sendErrorCode(response: ServerResponse, code: ErrorCode, message: string, headers: Record<string, string> = {}): void {
  sendError(response, new RelayError(code, message), headers);
}

export function sendBody(
  response: ServerResponse,
  status: number,
  body: Buffer | string,
  headers: Record<string, string>,
  headOnly: boolean,
): number {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  response.writeHead(status, { 'content-length': bytes.length, ...headers });
  response.end(headOnly ? undefined : bytes);
  return headOnly ? 0 : bytes.length;
}

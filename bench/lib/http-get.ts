import { request, type Dispatcher } from 'undici';

export interface HttpOptions {
  method?: 'GET' | 'POST' | 'DELETE' | 'PATCH';
  headers?: Record<string, string>;
  body?: string;
  dispatcher?: Dispatcher;
  signal?: AbortSignal;
}

/** One request with its whole body read (the connection goes back to the pool). */
export async function httpRequest(url: string, options: HttpOptions = {}): Promise<{ status: number; body: Buffer }> {
  const response = await request(url, {
    method: options.method ?? 'GET',
    ...(options.headers ? { headers: options.headers } : {}),
    ...(options.body !== undefined ? { body: options.body } : {}),
    ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  return { status: response.statusCode, body: Buffer.from(await response.body.arrayBuffer()) };
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

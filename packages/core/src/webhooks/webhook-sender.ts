/**
 * One attempt: `POST` the body to the webhook's URL and read what comes back,
 * within a time limit for the whole exchange. node:http rather than fetch, for
 * its `lookup` hook: when private addresses are not allowed, the socket connects
 * only to an address that passed the check (webhook-address.ts), so DNS cannot be
 * used to reach the server's own network. Redirects are not followed.
 */
import http from 'node:http';
import https from 'node:https';
import { hostOf, isPrivateHost, publicOnlyLookup } from './webhook-address.ts';

/** How much of a response body is kept. */
export const RESPONSE_EXCERPT_BYTES = 1024;

/** What an attempt got. */
export interface SendResult {
  /** The receiver's HTTP status; null when it did not answer. */
  statusCode: number | null;
  /** Its Retry-After header. */
  retryAfter: string | null;
  /** The first kilobyte of its body. */
  responseExcerpt: string | null;
  /** Why there was no answer. */
  error: string | null;
  /** The error cannot go away by itself (a private address): retrying is pointless. */
  permanent: boolean;
  /** The attempt was cut off by `signal` (the worker stopping), not by the receiver. */
  aborted: boolean;
  durationMs: number;
}

/** Options of one attempt. */
export interface SendOptions {
  /** Limit for connecting, sending and reading the answer. */
  timeoutMs: number;
  allowPrivateAddresses: boolean;
  /** Aborts the attempt (the worker is stopping). */
  signal?: AbortSignal;
}

function describe(error: unknown, timedOut: boolean, timeoutMs: number): string {
  if (timedOut) return `timeout: no answer within ${timeoutMs / 1000} s`;
  const e = error as NodeJS.ErrnoException;
  switch (e?.code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ECONNRESET':
      return 'connection reset';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `host not found (${e.code})`;
    default:
      return e?.message ? `${e.code ? `${e.code}: ` : ''}${e.message}` : String(error);
  }
}

/** POSTs `body` with `headers` to `url`; resolves (never rejects) with what happened. */
export function postWebhook(url: string, body: string, headers: Record<string, string>, options: SendOptions): Promise<SendResult> {
  const started = performance.now();
  const result = (fields: Partial<SendResult>): SendResult => ({
    statusCode: null,
    retryAfter: null,
    responseExcerpt: null,
    error: null,
    permanent: false,
    aborted: false,
    durationMs: Math.round(performance.now() - started),
    ...fields,
  });
  const target = new URL(url);
  if (!options.allowPrivateAddresses && isPrivateHost(hostOf(target))) {
    return Promise.resolve(result({ error: `refused: ${target.hostname} is a private address`, permanent: true }));
  }
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
  const transport = target.protocol === 'https:' ? https : http;

  return new Promise((resolve) => {
    let settled = false;
    const settle = (fields: Partial<SendResult>) => {
      if (settled) return;
      settled = true;
      resolve(result(fields));
    };
    const request = transport.request(target, {
      method: 'POST',
      headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) },
      signal,
      ...(options.allowPrivateAddresses ? {} : { lookup: publicOnlyLookup }),
    });
    let answered: (() => void) | undefined;
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      answered = () =>
        settle({
          statusCode: response.statusCode ?? null,
          retryAfter: [response.headers['retry-after']].flat()[0] ?? null,
          responseExcerpt: size > 0 ? Buffer.concat(chunks).subarray(0, RESPONSE_EXCERPT_BYTES).toString('utf8') : null,
        });
      response.on('data', (chunk: Buffer) => {
        if (size < RESPONSE_EXCERPT_BYTES) chunks.push(chunk);
        size += chunk.length;
        // The rest of a large answer is of no use: stop reading it.
        if (size >= RESPONSE_EXCERPT_BYTES) {
          answered!();
          response.destroy();
        }
      });
      // The status is what counts, even when reading the body is cut short.
      response.on('end', answered);
      response.on('close', answered);
      response.on('error', answered);
    });
    request.on('error', (error) => {
      if (answered) return answered();
      const aborted = !timeout.aborted && Boolean(options.signal?.aborted);
      settle({
        error: aborted ? 'aborted: the worker stopped' : describe(error, timeout.aborted, options.timeoutMs),
        permanent: (error as { code?: string }).code === 'ERR_RELATA_PRIVATE_ADDRESS',
        aborted,
      });
    });
    request.end(body);
  });
}

/**
 * A real webhook receiver on 127.0.0.1 for tests: records every request (headers,
 * raw body, parsed payload, when) and answers as the test says: a status, headers,
 * a body, after a delay, or not at all until the connection drops.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as received. */
export interface Received {
  deliveryId: string;
  timestamp: string;
  signature: string;
  /** The raw body. */
  body: string;
  payload: { webhookId: string; events: Array<{ cursor: string; kind: string; type: string; recordId: string; record: Record<string, unknown> }> };
  headers: http.IncomingHttpHeaders;
  receivedAt: number;
}

/** How to answer: default 200 "ok" at once. `hang` never answers. */
export interface Answer {
  status?: number;
  headers?: Record<string, string>;
  body?: string;
  delayMs?: number;
  hang?: boolean;
}

/** Decides the answer to the `n`th request (0-based). */
export type Responder = (request: Received, n: number) => Answer | undefined;

/** The position a cursor names, for comparing cursors (log order). */
export function cursorKey(cursor: string): [bigint, bigint] {
  const [txid, seq] = Buffer.from(cursor, 'base64url').toString('utf8').split('.');
  return [BigInt(txid!), BigInt(seq!)];
}

/** True when cursor `a` comes before `b` in the log. */
export function cursorBefore(a: string, b: string): boolean {
  const [ta, sa] = cursorKey(a);
  const [tb, sb] = cursorKey(b);
  return ta < tb || (ta === tb && sa < sb);
}

/** Starts a receiver; `close()` stops it and drops open connections. */
export async function startReceiver(respond: Responder = () => undefined) {
  const received: Received[] = [];
  let responder = respond;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const header = (name: string) => String(req.headers[name] ?? '');
      const request: Received = {
        deliveryId: header('relata-delivery'),
        timestamp: header('relata-timestamp'),
        signature: header('relata-signature'),
        body,
        payload: JSON.parse(body) as Received['payload'],
        headers: req.headers,
        receivedAt: Date.now(),
      };
      const n = received.push(request) - 1;
      const answer = responder(request, n) ?? {};
      if (answer.hang) return;
      setTimeout(() => {
        if (res.destroyed) return;
        res.writeHead(answer.status ?? 200, { 'content-type': 'text/plain', ...answer.headers });
        res.end(answer.body ?? 'ok');
      }, answer.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;

  return {
    url,
    received,
    /** Changes how later requests are answered. */
    respondWith(next: Responder) {
      responder = next;
    },
    /** The requests for one webhook, in arrival order. */
    requestsOf(webhookId: string): Received[] {
      return received.filter((r) => r.payload.webhookId === webhookId);
    },
    /** Every event received for one webhook, in arrival order (duplicates included). */
    eventsOf(webhookId: string) {
      return received.filter((r) => r.payload.webhookId === webhookId).flatMap((r) => r.payload.events);
    },
    /** Resolves once `check()` is true; rejects after `timeoutMs` with `what` and what arrived. */
    async waitFor(what: string, check: () => boolean, timeoutMs = 15_000): Promise<void> {
      const until = Date.now() + timeoutMs;
      while (!check()) {
        if (Date.now() > until) throw new Error(`Timed out waiting for ${what}; received ${received.length} requests`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A receiver. */
export type Receiver = Awaited<ReturnType<typeof startReceiver>>;

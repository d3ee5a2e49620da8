/**
 * What the limits tests share: requests with their headers, requests left
 * unfinished on a raw socket, bodies of a given size, and the JWT settings.
 */
import { createHash } from 'node:crypto';
import net from 'node:net';
import { DEFAULT_JWT_CLAIMS, type JwtConfig } from '../src/config.ts';
import type { GraphQLResponse, startTestServer } from './helpers.ts';


export type Server = Awaited<ReturnType<typeof startTestServer>>;
export type Workspace = Awaited<ReturnType<Server['workspace']>>;

export const SECRET = 'relata-limits-test-secret-0123456789-abc';
export const JWT: JwtConfig = { secret: SECRET, clockToleranceSeconds: 30, claims: DEFAULT_JWT_CLAIMS };
export const UNKNOWN_KEY = `rk_${'0'.repeat(32)}`;

/** The answer of one request, headers included. */
export interface Answer extends GraphQLResponse {
  headers: Headers;
}

/** POSTs a GraphQL request body as JSON. */
export async function post(server: Server, token: string | undefined, body: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { ...((await res.json()) as GraphQLResponse), status: res.status, headers: res.headers };
}

/** A request's answer over a raw connection, and whether the server closed that connection afterwards. */
export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  json: GraphQLResponse;
  /** True once the server ends the connection (its FIN), false if it keeps it open for a second. */
  closedByServer: Promise<boolean>;
}

/**
 * Sends a POST to /graphql over a plain TCP connection: the head, then `chunks`
 * one by one (framed when the head says chunked), and never ends the request: a
 * server that waited for the rest of a body would never answer.
 */
export function sendUnfinished(server: Server, head: Record<string, string | number>, chunks: string[], localAddress?: string): Promise<RawAnswer> {
  const chunked = head['transfer-encoding'] === 'chunked';
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port: Number(new URL(server.url).port), localAddress });
    const closedByServer = new Promise<boolean>((done) => {
      socket.once('end', () => done(true));
      setTimeout(() => done(false), 1000).unref();
    }).finally(() => socket.destroy());
    let received = '';
    let answered = false;
    socket.setEncoding('utf8');
    socket.on('error', reject);
    socket.on('data', (data: string) => {
      received += data;
      const split = received.indexOf('\r\n\r\n');
      if (answered || split < 0) return;
      const [statusLine = '', ...lines] = received.slice(0, split).split('\r\n');
      const headers = Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
      const body = received.slice(split + 4);
      if (Buffer.byteLength(body) < Number(headers['content-length'])) return;
      answered = true;
      resolve({ status: Number(statusLine.split(' ')[1]), headers, json: JSON.parse(body) as GraphQLResponse, closedByServer });
    });
    socket.write(`POST /graphql HTTP/1.1\r\nhost: 127.0.0.1\r\n${Object.entries(head).map(([name, value]) => `${name}: ${value}\r\n`).join('')}\r\n`);
    for (const chunk of chunks) socket.write(chunked ? `${Buffer.byteLength(chunk).toString(16)}\r\n${chunk}\r\n` : chunk);
  });
}

/** A GraphQL request with the body of the given length, padded with spaces inside the JSON. */
export function bodyOfLength(bytes: number): string {
  const base = JSON.stringify({ query: '{ __typename }' });
  return base.slice(0, -1) + ' '.repeat(bytes - base.length) + '}';
}

export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

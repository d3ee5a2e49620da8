/**
 * The limits a request meets before GraphQL runs, and their answers:
 *
 * - **Body size.** A declared Content-Length over `maxBodyBytes` answers 413 at
 *   once, before authentication and without reading the body. A body sent without
 *   a length (chunked) is counted as it streams by yoga's `maxRequestBodySize`,
 *   whose error `asPayloadTooLarge` turns into the same 413. Both close the
 *   connection: the rest of the body is never read, nor waited for.
 * - **Failed authentications per client address.** Every 401 takes a token from
 *   its address's bucket; while that bucket is empty, the address's requests answer
 *   429 before their credentials are looked at, so keys cannot be guessed (nor the
 *   database made to look them up) at full speed.
 * - **Requests per actor.** Each API key and each member has a bucket per
 *   workspace; an empty one answers 429 before the schema is even looked up.
 *
 * 429 answers carry `Retry-After` (whole seconds) and `extensions.retryAfter`.
 * Like the 401, these answers are sent before yoga, so they repeat what yoga's
 * CORS adds (see unauthenticatedHeaders), and expose Retry-After to the page.
 */
import type { Actor } from '@relata/core';
import { GraphQLError } from 'graphql';
import type http from 'node:http';
import net from 'node:net';
import { DEFAULT_AUTH_FAILURE_LIMIT, DEFAULT_MAX_BODY_BYTES, DEFAULT_RATE_LIMIT, type RateLimitConfig } from '../config.ts';
import { createRateLimiter, type RateLimiter, type TokenBucket } from './rate-limit.ts';

/** Rate limits of the HTTP server: `RateLimitConfig`, each key defaulting as documented there, and knobs for tests. */
export interface RateLimitOptions extends Partial<RateLimitConfig> {
  /** Most buckets each limiter keeps (least recently used go first). @default 100000 */
  maxBuckets?: number;
  /** The limiters' clock, in milliseconds. @default performance.now */
  now?: () => number;
}

/** An answer sent instead of running GraphQL. */
export interface Refusal {
  status: 413 | 429;
  body: { errors: Array<{ message: string; extensions: Record<string, unknown> }> };
  headers: Record<string, string>;
}

/** The code yoga's maxRequestBodySize gives a body that grew past the limit while streaming. */
const YOGA_BODY_TOO_LARGE = 'REQUEST_ENTITY_TOO_LARGE';

/** The headers yoga's default CORS would add (any origin, reflected; see unauthenticatedHeaders). */
function corsHeaders(origin: string | undefined): Record<string, string> {
  return origin ? { 'access-control-allow-origin': origin, vary: 'Origin' } : {};
}

/** The first 64 bits of an IPv6 address, which one host or customer usually gets whole. */
function ipv6Prefix(address: string): string {
  const groupsOf = (part: string) => (part ? part.split(':') : []);
  const [head = '', tail] = address.split('%')[0]!.split('::');
  let groups = groupsOf(head);
  if (tail !== undefined) {
    // "::" stands for the zero groups that are missing; a dotted IPv4 tail fills two.
    const tailGroups = groupsOf(tail);
    const present = groups.length + tailGroups.length + (tail.includes('.') ? 1 : 0);
    groups = [...groups, ...Array<string>(8 - present).fill('0'), ...tailGroups];
  }
  return `${groups.slice(0, 4).map((group) => parseInt(group, 16).toString(16)).join(':')}::/64`;
}

/**
 * The address a request's failed authentications count against: the TCP peer, or
 * with `trustProxyHops` n, the n-th `X-Forwarded-For` entry from its end (the one
 * the outermost trusted proxy saw). IPv4 mapped into IPv6 counts as IPv4; other
 * IPv6 addresses count by their /64, since one client can use any address in it.
 */
export function clientAddress(req: http.IncomingMessage, trustProxyHops = 0): string {
  let address = req.socket.remoteAddress ?? 'unknown';
  if (trustProxyHops > 0) {
    const forwarded = [req.headers['x-forwarded-for'] ?? []].flat().join(',').split(',').map((entry) => entry.trim()).filter(Boolean);
    if (forwarded.length > 0) address = forwarded[Math.max(0, forwarded.length - trustProxyHops)]!;
  }
  if (address.toLowerCase().startsWith('::ffff:') && net.isIPv4(address.slice(7))) return address.slice(7);
  if (net.isIPv6(address)) return ipv6Prefix(address);
  return address.slice(0, 100);
}

function rateLimited(message: string, retryAfterSeconds: number, origin: string | undefined): Refusal {
  return {
    status: 429,
    body: { errors: [{ message, extensions: { code: 'RATE_LIMITED', retryAfter: retryAfterSeconds } }] },
    headers: { 'retry-after': String(retryAfterSeconds), ...corsHeaders(origin), ...(origin ? { 'access-control-expose-headers': 'Retry-After' } : {}) },
  };
}

function payloadTooLargeMessage(maxBodyBytes: number): string {
  return `Request body too large: at most ${maxBodyBytes} bytes`;
}

const payloadTooLargeExtensions = (maxBodyBytes: number) => ({ code: 'BAD_REQUEST', reason: 'PAYLOAD_TOO_LARGE', maxBytes: maxBodyBytes });

// After a 413 the rest of the body is unread: closing is the only way to stop the client sending it.
const CLOSE = { connection: 'close' };

function describeBucket({ perSecond, burst }: TokenBucket): string {
  return `${burst} at once, ${perSecond} per second`;
}

/** Creates the request limits of one server. */
export function createRequestLimits(options: { rateLimits?: RateLimitOptions; maxBodyBytes?: number }) {
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const rates = options.rateLimits;
  const limiter = (bucket: TokenBucket | false | undefined): { bucket: TokenBucket; limiter: RateLimiter } | undefined =>
    bucket ? { bucket, limiter: createRateLimiter({ ...bucket, maxBuckets: rates?.maxBuckets, now: rates?.now }) } : undefined;
  // Without rateLimits, nothing is rate limited: an embedding application may limit elsewhere.
  const perActor = rates ? limiter(rates.perActor ?? DEFAULT_RATE_LIMIT) : undefined;
  const authFailures = rates ? limiter(rates.authFailures ?? DEFAULT_AUTH_FAILURE_LIMIT) : undefined;
  const trustProxyHops = rates?.trustProxyHops ?? 0;

  return {
    maxBodyBytes,

    /** A 413 when the request declares a body longer than the limit. */
    refuseDeclaredBody(req: http.IncomingMessage): Refusal | undefined {
      const declared = req.headers['content-length'];
      if (declared === undefined || !(Number(declared) > maxBodyBytes)) return undefined;
      return {
        status: 413,
        body: { errors: [{ message: payloadTooLargeMessage(maxBodyBytes), extensions: payloadTooLargeExtensions(maxBodyBytes) }] },
        headers: { ...CLOSE, ...corsHeaders(req.headers.origin) },
      };
    },

    /**
     * yoga's error for a streamed body past the limit, as the 413 above (yoga adds
     * CORS to its own answers); undefined for any other error.
     */
    asPayloadTooLarge(error: unknown): GraphQLError | undefined {
      if (!(error instanceof Error) || (error as Partial<GraphQLError>).extensions?.code !== YOGA_BODY_TOO_LARGE) return undefined;
      return new GraphQLError(payloadTooLargeMessage(maxBodyBytes), {
        extensions: { ...payloadTooLargeExtensions(maxBodyBytes), http: { status: 413, headers: CLOSE } },
      });
    },

    /** A 429 while the request's address has used up its failed authentications. */
    refuseAddress(req: http.IncomingMessage): Refusal | undefined {
      if (!authFailures) return undefined;
      const decision = authFailures.limiter.peek(clientAddress(req, trustProxyHops));
      if (decision.allowed) return undefined;
      return rateLimited(
        `Too many failed authentications from this address (${describeBucket(authFailures.bucket)}); retry in ${decision.retryAfterSeconds} s`,
        decision.retryAfterSeconds,
        req.headers.origin,
      );
    },

    /** Counts a 401 answer against the request's address. */
    authenticationFailed(req: http.IncomingMessage): void {
      authFailures?.limiter.take(clientAddress(req, trustProxyHops));
    },

    /** Takes a request from the actor's bucket; a 429 when it is empty. */
    refuseActor(actor: Actor, req: http.IncomingMessage): Refusal | undefined {
      if (!perActor) return undefined;
      const decision = perActor.limiter.take(`${actor.workspaceId}:${actor.kind}:${actor.id}`);
      if (decision.allowed) return undefined;
      const who = actor.kind === 'apiKey' ? 'this API key' : actor.kind === 'member' ? 'this user' : 'this actor';
      return rateLimited(
        `Rate limit exceeded for ${who} (${describeBucket(perActor.bucket)}); retry in ${decision.retryAfterSeconds} s`,
        decision.retryAfterSeconds,
        req.headers.origin,
      );
    },
  };
}

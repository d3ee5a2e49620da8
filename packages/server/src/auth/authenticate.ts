/**
 * The authentication step before GraphQL: a bearer token becomes an actor and
 * its workspace's metadata version. Tokens are told apart by form: `rk_` + 32
 * letters and digits is an API key; three dot-separated base64url parts is a
 * JWT; anything else is refused without a database query.
 */
import { API_KEY_PATTERN, UnauthenticatedError, type Authenticated, type Engine } from '@relata/core';
import type { JwtConfig } from '../config.ts';
import { createJwtVerifier } from './jwt-verifier.ts';

/** How the server authenticates requests. */
export interface AuthOptions {
  /** Accept JWTs verified this way (see JwtConfig); without it, only API keys are accepted. @default undefined */
  jwt?: JwtConfig;
}

// header.payload.signature; the signature may be empty (alg "none"), which the verifier refuses.
const JWT_FORM = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

// Longer tokens are refused before any parsing: real ones are a few kilobytes at most
// (Node refuses request headers over 16 KiB anyway; WebSocket connection params have no such limit).
const MAX_TOKEN_LENGTH = 12_288;

/** Creates the authenticate function of a server. */
export function createAuthenticator(engine: Engine, options: AuthOptions = {}) {
  const jwt = options.jwt ? createJwtVerifier(options.jwt) : undefined;

  /**
   * Resolves a bearer token (undefined when the request has none). Throws
   * UnauthenticatedError with its reason; any other error is the server's.
   */
  return async function authenticate(token: string | undefined): Promise<Authenticated> {
    if (!token) throw new UnauthenticatedError('MISSING');
    if (token.length > MAX_TOKEN_LENGTH) throw new UnauthenticatedError('INVALID');
    if (API_KEY_PATTERN.test(token)) return engine.workspaces.authenticate(token);
    if (jwt && JWT_FORM.test(token)) return engine.workspaces.authenticateMember(await jwt.verify(token));
    throw new UnauthenticatedError('INVALID');
  };
}

/** The body of a 401 answer: the contract's code, and the reason a client can act on. */
export function unauthenticatedBody(error: UnauthenticatedError) {
  return { errors: [{ message: error.message, extensions: { code: 'UNAUTHENTICATED', reason: error.reason } }] };
}

/**
 * The headers of a 401 answer. It is sent before yoga runs, so it repeats what
 * yoga's default CORS adds to its own answers (any origin, reflected): an
 * embedded app on another origin can then read the reason and mint a new token.
 * Credentials are bearer tokens, never cookies, so reflecting the origin lends
 * a foreign page nothing.
 */
export function unauthenticatedHeaders(origin: string | undefined): Record<string, string> {
  return { 'www-authenticate': 'Bearer', ...(origin ? { 'access-control-allow-origin': origin, vary: 'Origin' } : {}) };
}

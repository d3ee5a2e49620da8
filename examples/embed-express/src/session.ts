/**
 * The product's own sign-in session: a cookie holding the user id and an expiry,
 * signed with HMAC-SHA256 so a browser cannot make one up or change it. This is
 * the app's session, not Relata's: Relata never sees this cookie, only the tokens
 * the backend mints from it.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';

/** The session cookie's name. */
export const SESSION_COOKIE = 'embed_session';

/** How long a sign-in lasts, in seconds. */
export const SESSION_TTL_SECONDS = 8 * 60 * 60;

/** Signs and reads session cookies with one secret. */
export class SessionCookies {
  readonly #secret: string;

  /** `secret`: at least 32 characters, kept on the server (SESSION_SECRET). */
  constructor(secret: string) {
    if (secret.length < 32) throw new TypeError('The session secret must be at least 32 characters long');
    this.#secret = secret;
  }

  #sign(payload: string): string {
    return createHmac('sha256', this.#secret).update(payload).digest('base64url');
  }

  /** Sets the cookie for a signed-in user. */
  start(res: Response, userId: string): void {
    const payload = Buffer.from(JSON.stringify({ uid: userId, exp: Math.floor(Date.now() / 1000) + SESSION_TTL_SECONDS })).toString('base64url');
    const value = `${payload}.${this.#sign(payload)}`;
    // HttpOnly: page scripts cannot read it; SameSite=Lax: other sites' pages cannot
    // make the browser send it with their requests (the token endpoint included).
    res.setHeader('set-cookie', `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${SESSION_TTL_SECONDS}`);
  }

  /** Clears the cookie. */
  end(res: Response): void {
    res.setHeader('set-cookie', `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`);
  }

  /** The signed-in user id of a request, or undefined (no cookie, a bad signature, expired). */
  userId(req: Request): string | undefined {
    const value = readCookie(req.headers.cookie, SESSION_COOKIE);
    const [payload, signature] = value?.split('.') ?? [];
    if (!payload || !signature) return undefined;
    const expected = Buffer.from(this.#sign(payload));
    const actual = Buffer.from(signature);
    if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) return undefined;
    try {
      const { uid, exp } = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { uid?: unknown; exp?: unknown };
      if (typeof uid !== 'string' || typeof exp !== 'number' || exp <= Date.now() / 1000) return undefined;
      return uid;
    } catch {
      return undefined;
    }
  }
}

/** One cookie's value from a Cookie header. */
function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of header?.split(';') ?? []) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

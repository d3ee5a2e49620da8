/**
 * Short-lived Relata tokens for a product's own users, minted by the product's
 * backend: the user's browser then talks to Relata with that token and needs no
 * second login. Signed with jose (Web Crypto), so it runs in Node 20, Deno, Bun
 * and edge runtimes. It needs a signing secret or private key: call it on a
 * server, never in a browser.
 */
import { importJWK, importPKCS8, SignJWT, type CryptoKey, type JWK } from 'jose';

/** The algorithms Relata verifies. */
export type EmbedTokenAlgorithm = 'HS256' | 'RS256' | 'ES256';

/** Which claims carry the user, the workspace and the roles (match the server's RELATA_JWT_CLAIM_*). */
export interface EmbedTokenClaimNames {
  /** @default 'sub' */
  user?: string;
  /** @default 'workspaceId' */
  workspace?: string;
  /** @default 'roles' */
  roles?: string;
}

/** What every embed token names: the user and the workspace, and its lifetime. */
export interface EmbedTokenBase {
  /** The product's id of the user; the first token of an id makes it a member of the workspace. */
  userId: string;
  /** The Relata workspace the token is for. */
  workspaceId: string;
  /** Role names; the server acts with the first it knows (`admin`, `member`, `viewer`). */
  roles: readonly string[];
  /** Lifetime in seconds. Keep it short and mint a new token when it runs out. @default 300 */
  ttl?: number;
  /** `iss`: must equal the server's RELATA_JWT_ISSUER when that is set. */
  issuer?: string;
  /** `aud`: must include the server's RELATA_JWT_AUDIENCE when that is set. */
  audience?: string | string[];
  /** `kid` header: which key of the server's JWKS signed the token (for key rotation). */
  kid?: string;
  /** Claim names, when the server is configured with other ones. */
  claimNames?: EmbedTokenClaimNames;
}

/** Options of createEmbedToken: a shared secret (HS256) or a private key (RS256, ES256). */
export type EmbedTokenOptions = EmbedTokenBase &
  (
    | {
        /** The server's RELATA_JWT_SECRET (at least 32 bytes): signs with HS256. */
        secret: string | Uint8Array;
        privateKey?: never;
        algorithm?: 'HS256';
      }
    | {
        /**
         * A private key whose public half is in the server's JWKS: a CryptoKey, a
         * private JWK, or a PKCS#8 PEM string (`-----BEGIN PRIVATE KEY-----`).
         */
        privateKey: CryptoKey | JWK | string;
        secret?: never;
        /** RS256 or ES256 (P-256). @default inferred from the key */
        algorithm?: 'RS256' | 'ES256';
      }
  );

/** The default lifetime of a token, in seconds. */
export const DEFAULT_EMBED_TOKEN_TTL = 300;

// The server refuses shorter secrets (RELATA_JWT_SECRET); fail here, where the mistake is.
const MIN_SECRET_BYTES = 32;

function algorithmOfCryptoKey(key: CryptoKey): 'RS256' | 'ES256' | undefined {
  const algorithm = key.algorithm as { name: string; namedCurve?: string; hash?: { name: string } };
  if (algorithm.name === 'RSASSA-PKCS1-v1_5' && algorithm.hash?.name === 'SHA-256') return 'RS256';
  if (algorithm.name === 'ECDSA' && algorithm.namedCurve === 'P-256') return 'ES256';
  return undefined;
}

function algorithmOfJwk(jwk: JWK): 'RS256' | 'ES256' | undefined {
  const alg = jwk.alg;
  if (alg === 'RS256') return 'RS256';
  if (alg === 'ES256') return 'ES256';
  if (alg === undefined && jwk.kty === 'RSA') return 'RS256';
  if (alg === undefined && jwk.kty === 'EC' && jwk.crv === 'P-256') return 'ES256';
  return undefined;
}

function isJwk(key: CryptoKey | JWK): key is JWK {
  return 'kty' in key;
}

async function signingKey(options: EmbedTokenOptions): Promise<{ key: CryptoKey | Uint8Array; alg: EmbedTokenAlgorithm }> {
  if (options.secret !== undefined) {
    const secret = typeof options.secret === 'string' ? new TextEncoder().encode(options.secret) : options.secret;
    if (secret.byteLength < MIN_SECRET_BYTES) throw new TypeError(`createEmbedToken: the secret must be at least ${MIN_SECRET_BYTES} bytes long`);
    return { key: secret, alg: 'HS256' };
  }
  const { privateKey } = options;
  if (typeof privateKey === 'string') {
    // A PKCS#8 PEM does not say its key type in its header: try the algorithms in turn.
    for (const alg of options.algorithm ? [options.algorithm] : (['RS256', 'ES256'] as const)) {
      try {
        return { key: await importPKCS8(privateKey, alg), alg };
      } catch {
        // not a key of this algorithm
      }
    }
    throw new TypeError('createEmbedToken: privateKey is not a PKCS#8 PEM RSA or P-256 private key');
  }
  if (privateKey && typeof privateKey === 'object' && isJwk(privateKey)) {
    const alg = options.algorithm ?? algorithmOfJwk(privateKey);
    if (!alg) throw new TypeError('createEmbedToken: privateKey must be an RSA or P-256 private JWK');
    const key = await importJWK(privateKey, alg);
    if (key instanceof Uint8Array) throw new TypeError('createEmbedToken: privateKey must be a private key, not a secret; use `secret` for HS256');
    return { key, alg };
  }
  if (privateKey && typeof privateKey === 'object') {
    const alg = options.algorithm ?? algorithmOfCryptoKey(privateKey);
    if (!alg) throw new TypeError('createEmbedToken: privateKey must be an RSASSA-PKCS1-v1_5 (SHA-256) or ECDSA P-256 key');
    return { key: privateKey, alg };
  }
  throw new TypeError('createEmbedToken: pass `secret` (HS256) or `privateKey` (RS256, ES256)');
}

/**
 * Mints a signed JWT that lets `userId` use Relata's workspace `workspaceId`
 * with `roles`, for `ttl` seconds. Run it on the product's backend and hand the
 * token to the user's client, which sends it as `Authorization: Bearer <token>`.
 *
 * @example
 * const token = await createEmbedToken({
 *   secret: process.env.RELATA_JWT_SECRET!,
 *   userId: user.id,
 *   workspaceId: account.relataWorkspaceId,
 *   roles: ['member'],
 *   ttl: 600,
 * });
 */
export async function createEmbedToken(options: EmbedTokenOptions): Promise<string> {
  const { userId, workspaceId, roles } = options;
  if (typeof userId !== 'string' || userId === '') throw new TypeError('createEmbedToken: userId must be a non-empty string');
  if (typeof workspaceId !== 'string' || workspaceId === '') throw new TypeError('createEmbedToken: workspaceId must be a non-empty string');
  if (!Array.isArray(roles) || roles.length === 0 || !roles.every((r) => typeof r === 'string' && r !== '')) {
    throw new TypeError('createEmbedToken: roles must be a non-empty array of role names');
  }
  const ttl = options.ttl ?? DEFAULT_EMBED_TOKEN_TTL;
  if (!Number.isFinite(ttl) || ttl <= 0) throw new TypeError('createEmbedToken: ttl must be a positive number of seconds');

  const { key, alg } = await signingKey(options);
  const names = options.claimNames ?? {};
  const now = Math.floor(Date.now() / 1000);
  const jwt = new SignJWT({
    [names.user ?? 'sub']: userId,
    [names.workspace ?? 'workspaceId']: workspaceId,
    [names.roles ?? 'roles']: [...roles],
  })
    .setProtectedHeader({ alg, typ: 'JWT', ...(options.kid ? { kid: options.kid } : {}) })
    .setIssuedAt(now)
    .setExpirationTime(now + Math.ceil(ttl));
  if (options.issuer !== undefined) jwt.setIssuer(options.issuer);
  if (options.audience !== undefined) jwt.setAudience(options.audience);
  return jwt.sign(key);
}

/**
 * Minting Relata embed tokens for the product's signed-in users. The backend
 * holds the secret it shares with the Relata server (RELATA_JWT_SECRET); a token
 * names the user (`sub`), the customer account's workspace (`workspaceId`) and
 * the role the user acts with in the CRM (`roles`), and lives a few minutes.
 */
import { createEmbedToken } from '@relata/sdk';
import type { AppUser, CustomerAccount } from './users.ts';

/**
 * The role the product's users act with in Relata. `viewer` reads every record
 * type of the workspace and can create, change or delete nothing: the portal
 * only shows the CRM, so even a token copied out of a browser cannot alter it.
 * Roles scope by record type, field and owner, not by company: whose data a
 * token reaches is decided by its workspace, one per customer account (see
 * README, "Who sees what").
 */
export const PORTAL_ROLE = 'viewer';

/** How to sign tokens for the Relata server. */
export interface RelataTokenOptions {
  /** The Relata server's RELATA_JWT_SECRET (at least 32 bytes). */
  secret: string;
  /** The server's RELATA_JWT_ISSUER, when it sets one. */
  issuer?: string;
  /** The server's RELATA_JWT_AUDIENCE, when it sets one. */
  audience?: string;
}

/** A minted token and how long it lives. */
export interface MintedToken {
  token: string;
  /** Seconds from now. */
  expiresIn: number;
  /** ISO-8601. */
  expiresAt: string;
}

/** Mints a token acting as `user` in its account's workspace, with PORTAL_ROLE, valid `ttlSeconds`. */
export async function mintRelataToken(
  options: RelataTokenOptions,
  user: AppUser,
  account: CustomerAccount,
  ttlSeconds: number,
): Promise<MintedToken> {
  const token = await createEmbedToken({
    secret: options.secret,
    userId: user.id,
    workspaceId: account.relataWorkspaceId,
    roles: [PORTAL_ROLE],
    ttl: ttlSeconds,
    ...(options.issuer ? { issuer: options.issuer } : {}),
    ...(options.audience ? { audience: options.audience } : {}),
  });
  return { token, expiresIn: ttlSeconds, expiresAt: new Date(Date.now() + ttlSeconds * 1000).toISOString() };
}

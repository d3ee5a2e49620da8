/**
 * The page's credential. A token in a web page can be read by anyone who opens
 * it, so the launcher never hands the page the admin key it was given: it
 * creates a short-lived API key with a narrow role (`member`: reads the board,
 * moves deals; `viewer` for a read-only page) and revokes it on exit.
 */
import { ForbiddenError, type RelataClient } from '@relata/sdk';

/** A key made for the page. */
export interface PageKey {
  /** The secret (`rk_...`): what the page sends. */
  key: string;
  id: string;
  role: string;
  expiresAt: string;
  /** Revokes the key (the page's requests fail from then on). */
  revoke(): Promise<void>;
}

/** Options of createPageKey. */
export interface PageKeyOptions {
  /** @default 'member' */
  role?: 'member' | 'viewer';
  /** @default 'internal-tool page' */
  name?: string;
  /** Lifetime in milliseconds. @default 12 hours */
  ttlMs?: number;
}

const CREATE_API_KEY = /* GraphQL */ `
  mutation CreatePageKey($input: ApiKeyInput!) {
    createApiKey(input: $input) { key apiKey { id role expiresAt } }
  }
`;

const REVOKE_API_KEY = /* GraphQL */ `
  mutation RevokePageKey($id: ID!) { revokeApiKey(id: $id) }
`;

interface CreatedKey {
  createApiKey: { key: string; apiKey: { id: string; role: string; expiresAt: string } };
}

/**
 * Creates a narrow key with the admin credential `client` holds; resolves
 * undefined when that credential may not create keys (it is not an admin's, so
 * it is narrow already and the page may use it as it is).
 */
export async function createPageKey(client: Pick<RelataClient, 'request'>, options: PageKeyOptions = {}): Promise<PageKey | undefined> {
  const input = {
    name: options.name ?? 'internal-tool page',
    role: options.role ?? 'member',
    expiresAt: new Date(Date.now() + (options.ttlMs ?? 12 * 60 * 60 * 1000)).toISOString(),
  };
  let created: CreatedKey;
  try {
    created = await client.request<CreatedKey>(CREATE_API_KEY, { input });
  } catch (error) {
    if (error instanceof ForbiddenError) return undefined;
    throw error;
  }
  const { key, apiKey } = created.createApiKey;
  return {
    key,
    id: apiKey.id,
    role: apiKey.role,
    expiresAt: apiKey.expiresAt,
    async revoke() {
      await client.request(REVOKE_API_KEY, { id: apiKey.id });
    },
  };
}

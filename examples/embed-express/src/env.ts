/**
 * The Relata server main.ts uses, from the environment: none (a throwaway local
 * one), or RELATA_URL, RELATA_JWT_SECRET and one workspace per customer account,
 * RELATA_WORKSPACE_<ACCOUNT> (RELATA_WORKSPACE_ACME, RELATA_WORKSPACE_GLOBEX).
 * RELATA_JWT_ISSUER and RELATA_JWT_AUDIENCE too, when the server sets them.
 */
import type { ExistingRelata } from './demo.ts';
import { DEMO_ACCOUNTS } from './users.ts';

/** The variable holding an account's workspace id: `RELATA_WORKSPACE_ACME` for `acme`. */
export function workspaceVariable(accountId: string): string {
  return `RELATA_WORKSPACE_${accountId.toUpperCase()}`;
}

/** The server named by the environment, or undefined for a local one; throws when it is named halfway. */
export function relataFromEnv(env: NodeJS.ProcessEnv): ExistingRelata | undefined {
  const workspaceNames = DEMO_ACCOUNTS.map((account) => workspaceVariable(account.id));
  const required = ['RELATA_URL', 'RELATA_JWT_SECRET', ...workspaceNames];
  if (env.RELATA_WORKSPACE_ID) {
    throw new Error(`This demo keeps each customer account in its own workspace: set ${workspaceNames.join(' and ')} instead of RELATA_WORKSPACE_ID`);
  }
  if (required.every((name) => !env[name])) return undefined;
  const missing = required.filter((name) => !env[name]);
  if (missing.length > 0) {
    throw new Error(`Set ${required.join(', ')} together (or none, for a local Relata); missing: ${missing.join(', ')}`);
  }
  // Accept the server's base URL as well as its GraphQL endpoint.
  const url = new URL(env.RELATA_URL!);
  if (url.pathname === '/' || url.pathname === '') url.pathname = '/graphql';
  return {
    url: url.toString(),
    workspaces: Object.fromEntries(DEMO_ACCOUNTS.map((account) => [account.id, env[workspaceVariable(account.id)]!.trim()])),
    tokens: {
      secret: env.RELATA_JWT_SECRET!,
      ...(env.RELATA_JWT_ISSUER ? { issuer: env.RELATA_JWT_ISSUER } : {}),
      ...(env.RELATA_JWT_AUDIENCE ? { audience: env.RELATA_JWT_AUDIENCE } : {}),
    },
  };
}

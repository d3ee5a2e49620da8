/**
 * Wires the demo together: a Relata server (a throwaway local one, or yours),
 * one workspace per customer account with the account's company in its CRM, the
 * product's users and accounts pointing at them, and the Express app. main.ts
 * runs it; the tests run exactly this too.
 */
import { randomBytes } from 'node:crypto';
import { createEmbedToken } from '@relata/sdk';
import { createTestServer, type TestServer } from '@relata/sdk/testing';
import { createWorkspace } from '@relata/server';
import crm from '@relata/plugin-crm';
import { createEmbedApp, startEmbedApp } from './app.ts';
import type { RelataTokenOptions } from './relata-tokens.ts';
import { seedDemoCompany } from './seed.ts';
import { createCrmClient, type CrmClient } from './timeline.ts';
import { DEMO_ACCOUNTS, DEMO_USERS, demoUsers, UserDirectory, type CustomerAccount, type DemoUser } from './users.ts';

/** A Relata server the demo uses instead of starting one (see main.ts for the environment variables). */
export interface ExistingRelata {
  /** Its GraphQL endpoint. */
  url: string;
  /**
   * The workspace of each demo account, by account id (`acme`, `globex`): one
   * workspace per account, with the CRM installed. Two accounts may not share one.
   */
  workspaces: Readonly<Record<string, string>>;
  tokens: RelataTokenOptions;
}

/** The local Relata the demo started. */
export interface LocalRelata {
  server: TestServer;
  /** The admin API key of each account's workspace, by account id. */
  adminKeys: Readonly<Record<string, string>>;
  /** How to reach it as an existing server (what `startDemo({ relata })` takes). */
  connection: ExistingRelata;
}

/** Options of startDemo. */
export interface DemoOptions {
  /** Use this server; without it, a throwaway local one is started. */
  relata?: ExistingRelata;
  /** The app's port. @default 0 (any free port) */
  port?: number;
  /** The app's interface. @default '127.0.0.1' */
  host?: string;
  /** Signs the session cookie. @default random, so sign-ins end with the process */
  sessionSecret?: string;
  /** Of the local Relata: seconds of clock skew allowed on `exp`. @default 30 (the server's default) */
  clockToleranceSeconds?: number;
  /** Lifetime of the tokens `GET /api/relata-token` hands out. @default 300 */
  browserTokenTtlSeconds?: number;
  /** Where the app logs unexpected errors. @default console.error */
  logError?: (error: unknown) => void;
}

/** A running demo. */
export interface Demo {
  /** The app: `http://127.0.0.1:<port>`. */
  url: string;
  /** Relata's GraphQL endpoint. */
  relataUrl: string;
  /** The local Relata, when the demo started one. */
  localRelata?: LocalRelata;
  /** The customer accounts, each with its own workspace and its company there. */
  accounts: CustomerAccount[];
  /** Who can sign in, with their passwords. */
  users: readonly DemoUser[];
  close(): Promise<void>;
}

// Who writes the demo data into an existing server: a member, since a viewer cannot create.
const SETUP_USER_ID = 'embed-express-setup';

/**
 * Checks that every demo account has a workspace and none shares one: in a
 * shared workspace, one account's users could read the other's records.
 */
export function checkAccountWorkspaces(workspaces: Readonly<Record<string, string>>): void {
  const missing = DEMO_ACCOUNTS.filter((account) => !workspaces[account.id]).map((account) => account.id);
  if (missing.length > 0) throw new Error(`No Relata workspace for the account(s) ${missing.join(', ')}: each customer account needs its own workspace`);
  const owner = new Map<string, string>();
  for (const account of DEMO_ACCOUNTS) {
    const workspaceId = workspaces[account.id]!;
    const other = owner.get(workspaceId);
    if (other) {
      throw new Error(`The accounts ${other} and ${account.id} name the same Relata workspace ${workspaceId}: each customer account needs its own, or one account's users could read the other's CRM data`);
    }
    owner.set(workspaceId, account.id);
  }
}

// A throwaway server: the test server's workspace for the first account, one more per other account,
// made as `relata workspace create` makes them (the CRM installed).
async function localRelata(options: DemoOptions): Promise<LocalRelata> {
  const secret = randomBytes(32).toString('base64url');
  const [first, ...others] = DEMO_ACCOUNTS;
  const server = await createTestServer({
    plugins: [crm],
    workspaceName: first!.name,
    auth: {
      jwt: { secret, clockToleranceSeconds: options.clockToleranceSeconds ?? 30, claims: { user: 'sub', workspace: 'workspaceId', roles: 'roles' } },
    },
  });
  try {
    const workspaces: Record<string, string> = { [first!.id]: server.workspaceId };
    const adminKeys: Record<string, string> = { [first!.id]: server.apiKey };
    for (const account of others) {
      const created = await createWorkspace(server.engine, { installOnNewWorkspaces: [crm.name] }, { name: account.name });
      if (created.failed) throw created.failed.error;
      workspaces[account.id] = created.workspaceId;
      adminKeys[account.id] = created.apiKey;
    }
    return { server, adminKeys, connection: { url: server.url, workspaces, tokens: { secret } } };
  } catch (error) {
    await server.close().catch(() => {});
    throw error;
  }
}

async function setupClient(relata: ExistingRelata, workspaceId: string): Promise<CrmClient> {
  const token = await createEmbedToken({
    secret: relata.tokens.secret,
    userId: SETUP_USER_ID,
    workspaceId,
    roles: ['member'],
    ttl: 300,
    ...(relata.tokens.issuer ? { issuer: relata.tokens.issuer } : {}),
    ...(relata.tokens.audience ? { audience: relata.tokens.audience } : {}),
  });
  return createCrmClient(relata.url, token);
}

/** Starts the demo: Relata (unless given), each account's demo data in its workspace, then the app. */
export async function startDemo(options: DemoOptions = {}): Promise<Demo> {
  if (options.relata) checkAccountWorkspaces(options.relata.workspaces);
  const local = options.relata ? undefined : await localRelata(options);
  try {
    const relata = options.relata ?? local!.connection;
    const accounts: CustomerAccount[] = [];
    for (const account of DEMO_ACCOUNTS) {
      const workspaceId = relata.workspaces[account.id]!;
      const client = local ? createCrmClient(relata.url, local.adminKeys[account.id]!) : await setupClient(relata, workspaceId);
      accounts.push({ ...account, relataWorkspaceId: workspaceId, relataCompanyId: await seedDemoCompany(client, account.domain) });
    }
    const app = createEmbedApp({
      relataUrl: relata.url,
      tokens: relata.tokens,
      directory: new UserDirectory(accounts, demoUsers()),
      sessionSecret: options.sessionSecret ?? randomBytes(32).toString('base64url'),
      browserTokenTtlSeconds: options.browserTokenTtlSeconds,
      loginHint: DEMO_USERS.map((u) => `${u.email} / ${u.password} (${u.accountId})`),
      logError: options.logError,
    });
    const running = await startEmbedApp(app, options.port ?? 0, options.host ?? '127.0.0.1');
    return {
      url: running.url,
      relataUrl: relata.url,
      localRelata: local,
      accounts,
      users: DEMO_USERS,
      async close() {
        await running.close();
        await local?.server.close();
      },
    };
  } catch (error) {
    await local?.server.close().catch(() => {});
    throw error;
  }
}

/**
 * `npm start -w @relata/example-internal-tool`: the sales board in one command.
 *
 * - Without RELATA_URL: starts a throwaway Relata (in memory, with the CRM
 *   plugin) and seeds it with demo data.
 * - With RELATA_URL and RELATA_TOKEN (e.g. the root `npm start`'s Demo
 *   workspace and its key): uses that server; `-- --seed` adds the demo data.
 *
 * Then it makes a narrow, short-lived key for the page (role `member`) with
 * the admin key, and serves the page with Vite, printing its address. Ctrl-C
 * stops everything (and revokes the page's key).
 */
import { createTestServer, type TestServer } from '@relata/sdk/testing';
import crm from '@relata/plugin-crm';
import { createCrmClient } from './crm.ts';
import { createPageKey, type PageKey } from './dev/page-key.ts';
import { seedDemoData } from './dev/seed.ts';
import { startPageServer, type PageServer } from './dev/vite-server.ts';

const DEFAULT_PORT = 5173;

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

async function main(): Promise<void> {
  const seedRequested = process.argv.slice(2).includes('--seed');
  let relataUrl = process.env.RELATA_URL;
  let adminToken = process.env.RELATA_TOKEN;
  if (relataUrl && !adminToken) fail('RELATA_URL is set but RELATA_TOKEN is not: give the API key of the workspace to show (see README.md).');
  if (!relataUrl && adminToken) fail('RELATA_TOKEN is set but RELATA_URL is not: give the GraphQL URL too, e.g. RELATA_URL=http://localhost:4000/graphql.');
  const port = process.env.PORT === undefined ? DEFAULT_PORT : Number(process.env.PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) fail(`PORT must be a port number, got ${JSON.stringify(process.env.PORT)}.`);

  let relata: TestServer | undefined;
  let pageKey: PageKey | undefined;
  let page: PageServer | undefined;
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    if (page) console.log('\nStopping...');
    await page?.close().catch((error: unknown) => console.error(error));
    // A throwaway server takes its keys with it; on a real one, the page's key should not outlive the page.
    if (!relata) await pageKey?.revoke().catch((error: unknown) => console.error('Could not revoke the page key:', error));
    await relata?.close().catch((error: unknown) => console.error(error));
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));

  try {
    if (!relataUrl || !adminToken) {
      console.log('No RELATA_URL: starting a throwaway Relata (in memory, CRM plugin) with demo data...');
      relata = await createTestServer({ plugins: [crm], workspaceName: 'Internal tool demo' });
      relataUrl = relata.url;
      adminToken = relata.apiKey;
    }
    const admin = createCrmClient({ url: relataUrl, token: adminToken });
    if (relata || seedRequested) {
      await seedDemoData(admin);
      console.log('Seeded companies, opportunities in the "Sales" and "Renewals" pipelines, and tasks.');
    }
    pageKey = await createPageKey(admin, { role: 'member', name: 'internal-tool page (npm start)' });
    if (!pageKey) console.warn('RELATA_TOKEN may not create API keys (not an admin key): the page uses it as it is.');
    page = await startPageServer({ relataUrl, token: pageKey?.key ?? adminToken, port });
    await admin.close();

    const lines = ['', `Sales board:  ${page.url}`, `Relata:       ${relataUrl}${relata ? ' (throwaway, in memory: gone when this stops)' : ''}`];
    if (pageKey) lines.push(`Page key:     role ${pageKey.role}, expires ${pageKey.expiresAt}${relata ? '' : ' (revoked when this stops)'}`);
    console.log([...lines, '', 'Press Ctrl-C to stop.'].join('\n'));
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    await stop(1);
  }
}

await main();

/**
 * `npm start -w @relata/example-embed-express`: starts the demo.
 *
 * Without RELATA_URL it starts a throwaway Relata in this process (in memory,
 * with the standard CRM, a random JWT secret and a workspace per customer
 * account). With RELATA_URL, RELATA_JWT_SECRET, RELATA_WORKSPACE_ACME and
 * RELATA_WORKSPACE_GLOBEX it uses that server and those workspaces instead
 * (RELATA_JWT_ISSUER and RELATA_JWT_AUDIENCE too, when the server sets them; see
 * env.ts). PORT (default 3000) and HOST (default 127.0.0.1) say where the app
 * listens; SESSION_SECRET signs its session cookie (default: random per start).
 */
import { startDemo } from './demo.ts';
import { relataFromEnv } from './env.ts';

async function main(): Promise<void> {
  const relata = relataFromEnv(process.env);
  console.log(relata ? `Using Relata at ${relata.url}` : 'Starting a throwaway local Relata (in memory)...');
  const demo = await startDemo({
    relata,
    port: process.env.PORT ? Number(process.env.PORT) : 3000,
    host: process.env.HOST ?? '127.0.0.1',
    sessionSecret: process.env.SESSION_SECRET,
  });
  const width = Math.max(...demo.users.map((u) => u.email.length));
  const nameWidth = Math.max(...demo.accounts.map((a) => a.name.length));
  console.log(`
Relata:  ${demo.relataUrl}
App:     ${demo.url}  <- open this and sign in

Customer accounts (one Relata workspace each):
${demo.accounts.map((a) => `  ${a.id.padEnd(8)} ${a.name.padEnd(nameWidth)}  workspace ${a.relataWorkspaceId}`).join('\n')}

Demo users (email / password, customer account):
${demo.users.map((u) => `  ${u.email.padEnd(width)}  ${u.password.padEnd(12)} ${u.accountId}`).join('\n')}

Press Ctrl-C to stop.`);

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    demo.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

/**
 * `npm start`: mirrors a Relata workspace's change events into a JSON-lines
 * file, resuming where the file ends.
 *
 *   RELATA_URL    GraphQL endpoint (http://localhost:4000/graphql)
 *   RELATA_TOKEN  an API key of the workspace
 *   MIRROR_FILE   the file (default data/events.jsonl; data/demo-events.jsonl in demo mode)
 *   RELATA_TYPES  comma list of record types to mirror (default: every type the key may read)
 *
 * Without RELATA_URL and RELATA_TOKEN it starts a throwaway demo server
 * (demo.ts) and mirrors that, into a file started afresh. Ctrl-C (SIGINT) or
 * SIGTERM stops it cleanly after the event under way.
 */
import fs from 'node:fs';
import { isRelataError } from '@relata/sdk';
import { startDemoServer } from './demo.ts';
import { runWorker } from './worker.ts';

const stop = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stop.signal.aborted) process.exit(130); // a second Ctrl-C: now
    console.log(`${signal}: stopping`);
    stop.abort();
  });
}

async function main(): Promise<number> {
  let { RELATA_URL: url, RELATA_TOKEN: token } = process.env;
  let file = process.env.MIRROR_FILE;
  let demo: Awaited<ReturnType<typeof startDemoServer>> | undefined;
  if (!url !== !token) {
    console.error('Set both RELATA_URL and RELATA_TOKEN (or neither, for a demo server).');
    return 2;
  }
  if (!url || !token) {
    console.log('RELATA_URL and RELATA_TOKEN are not set: starting a demo server with the standard CRM...');
    demo = await startDemoServer({ signal: stop.signal });
    ({ url, apiKey: token } = demo);
    file ??= 'data/demo-events.jsonl';
    // The demo's database is new at every start: a cursor saved from the last one means nothing to it.
    fs.rmSync(file, { force: true });
  }
  file ??= 'data/events.jsonl';
  try {
    const types = process.env.RELATA_TYPES?.split(',').map((t) => t.trim()).filter(Boolean);
    const { mirrored, cursor } = await runWorker({ url, token, file, signal: stop.signal, ...(types?.length ? { types } : {}) });
    console.log(`stopped: ${mirrored} events mirrored this run, ${file} ends at ${cursor ?? 'no event yet'}`);
    return 0;
  } catch (error) {
    if (isRelataError(error, 'UNAUTHENTICATED')) console.error(`The server refused RELATA_TOKEN: ${error.message}`);
    else if (isRelataError(error, 'BAD_REQUEST') && /CURSOR_/.test(String(error.errors[0]?.extensions?.reason)))
      console.error(`The file's last cursor cannot be resumed (${error.message}): events since are gone from the server's replay window. Start a new file.`);
    else console.error(error);
    return 1;
  } finally {
    await demo?.close();
  }
}

process.exitCode = await main();

/**
 * The sync worker: subscribes to Relata's change events with `@relata/sdk`,
 * starting after the last event of the mirror file, and appends each event to
 * it. The SDK reconnects on its own when the connection drops and resumes after
 * the last event it received; a restart of the worker resumes after the last
 * event in the file. Either way, every event is in the file once, in log order.
 */
import { createClient } from '@relata/sdk';
import { openMirror } from './mirror.ts';

/** Options of runWorker. */
export interface WorkerOptions {
  /** Relata's GraphQL endpoint: `http://localhost:4000/graphql`. */
  url: string;
  /** An API key (or token) of the workspace to mirror. */
  token: string;
  /** The JSON-lines file to append to. */
  file: string;
  /** Only these record types (apiNames); every type the key may read when omitted. */
  types?: string[];
  /** Stops the worker (it finishes the event under way). */
  signal: AbortSignal;
  /** Progress lines. @default console.log */
  log?: (line: string) => void;
}

/** Mirrors events until `signal` aborts (resolves) or the subscription fails (rejects with the SDK's error). */
export async function runWorker(options: WorkerOptions): Promise<{ mirrored: number; cursor: string | undefined }> {
  const log = options.log ?? ((line: string) => console.log(line));
  const mirror = openMirror(options.file);
  if (mirror.repaired > 0) log(`cut an unfinished last line (${mirror.repaired} bytes) off ${options.file}: that event comes again`);
  log(`mirroring ${options.url} into ${options.file}, ${mirror.cursor ? `after ${mirror.cursor}` : 'from now on (empty file)'}`);
  const client = createClient({ url: options.url, token: options.token });
  let mirrored = 0;
  try {
    const events = client.events({ ...(options.types ? { types: options.types } : {}), ...(mirror.cursor ? { after: mirror.cursor } : {}), signal: options.signal });
    for await (const event of events) {
      mirror.append(event);
      mirrored++;
      log(`${event.kind} ${event.type} ${event.recordId} (${event.cursor})`);
    }
    return { mirrored, cursor: mirror.cursor };
  } finally {
    await client.close();
    mirror.close();
  }
}

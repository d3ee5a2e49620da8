/**
 * `relata start` as a real child process, for tests that need separate processes
 * (several servers on one database, a server killed mid-work). The caller kills
 * what it starts; `stopAll` kills whatever is left.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../bin/relata.js', import.meta.url));
const running = new Set<ChildProcess>();

/** A started server process. */
export interface ServerProcess {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Everything it printed so far. */
  output(): string;
  /** SIGTERM, and waits for the exit. */
  stop(): Promise<number | null>;
  /** SIGKILL: no shutdown at all. */
  kill(): Promise<void>;
}

/** Starts `relata start` with `env` (DATABASE_URL or RELATA_DATA_DIR) on a free port; resolves once it serves. */
export async function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'relata-proc-'));
  const childEnv: NodeJS.ProcessEnv = { ...process.env, PORT: '0', HOST: '127.0.0.1', ...env };
  if (!env.DATABASE_URL) delete childEnv.DATABASE_URL;
  const child = spawn(process.execPath, [BIN, 'start'], { cwd, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      running.delete(child);
      fs.rmSync(cwd, { recursive: true, force: true });
      resolve(code);
    }),
  );
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`relata start did not start:\n${output}`)), 30_000);
    const check = () => {
      if (/Health: .*\n/.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`relata start exited with ${code}:\n${output}`));
    });
  });
  const port = output.match(/GraphQL:\s+http:\/\/[^:]+:(\d+)\//)![1]!;
  return {
    url: `http://127.0.0.1:${port}`,
    output: () => output,
    async stop() {
      child.kill('SIGTERM');
      return exited;
    },
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Kills every server process still running (for afterAll). */
export function stopAll(): void {
  for (const child of running) child.kill('SIGKILL');
}

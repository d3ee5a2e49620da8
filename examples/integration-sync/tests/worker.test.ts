/**
 * The sync worker as a real child process (`node --import tsx src/main.ts`, one
 * process, so SIGKILL really kills it) against a real server: killed
 * mid-stream, with records written while it is down and an unfinished line
 * left in its file, it restarts and the file holds every event exactly once in
 * log order; SIGINT stops it cleanly.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import crm from '@relata/plugin-crm';
import { createClient } from '@relata/sdk';
import { createTestServer, type TestServer } from '@relata/sdk/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const exampleDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Line {
  cursor: string;
  kind: string;
  type: string;
  recordId: string;
}

/** The worker, started with the server's URL and key, mirroring into `file`. */
function startWorker(server: TestServer, file: string) {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: exampleDir,
    env: { ...process.env, RELATA_URL: server.url, RELATA_TOKEN: server.apiKey, MIRROR_FILE: file },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    exited,
    get output() {
      return output;
    },
    async waitForOutput(pattern: RegExp, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (!pattern.test(output)) {
        if (child.exitCode !== null) throw new Error(`the worker exited (${child.exitCode}):\n${output}`);
        if (Date.now() > deadline) throw new Error(`no ${pattern} in the worker's output:\n${output}`);
        await sleep(50);
      }
    },
  };
}

function readLines(file: string): Line[] {
  if (!fs.existsSync(file)) return [];
  const text = fs.readFileSync(file, 'utf8');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Line);
}

async function waitForLines(file: string, n: number, timeoutMs = 30_000): Promise<Line[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const lines = readLines(file);
    if (lines.length >= n) return lines;
    if (Date.now() > deadline) throw new Error(`expected ${n} lines in ${file}, found ${lines.length}`);
    await sleep(100);
  }
}

describe('integration-sync worker', () => {
  let server: TestServer;
  let dir: string;
  const workers: Array<ReturnType<typeof startWorker>> = [];
  const gql = async <T>(query: string, variables: Record<string, unknown> = {}) => {
    const { data, errors } = await server.gql<T>(query, variables);
    if (errors) throw new Error(JSON.stringify(errors));
    return data!;
  };
  const createCompany = async (name: string) =>
    (await gql<{ createCompany: { id: string } }>('mutation($n: String!) { createCompany(input: { name: $n }) { id } }', { n: name })).createCompany.id;
  /** Writes markers until the worker (subscribed from "now") has mirrored one; returns the marker ids. */
  const untilMirroring = async (file: string) => {
    const markers: string[] = [];
    while (readLines(file).length === 0) {
      markers.push(await createCompany(`marker ${markers.length}`));
      await sleep(200);
    }
    return markers;
  };

  beforeAll(async () => {
    server = await createTestServer({ plugins: [crm] });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'relata-sync-'));
  });
  afterAll(async () => {
    for (const worker of workers) if (worker.child.exitCode === null) worker.child.kill('SIGKILL');
    await server?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('survives SIGKILL mid-stream: after a restart the file has every event exactly once, in log order', async () => {
    const file = path.join(dir, 'kill.jsonl');
    let worker = startWorker(server, file);
    workers.push(worker);
    await worker.waitForOutput(/mirroring .* from now on/);
    const markers = new Set(await untilMirroring(file));

    const expected: Array<[string, string]> = [];
    const write = async (i: number) => {
      const id = await createCompany(`company ${i}`);
      expected.push(['CREATED', id]);
      if (i % 3 === 0) {
        await gql('mutation($id: ID!, $e: Int) { updateCompany(id: $id, input: { employees: $e }) { id } }', { id, e: i });
        expected.push(['UPDATED', id]);
      }
    };
    for (let i = 0; i < 12; i++) {
      await write(i);
      await sleep(20);
    }
    // Killed while events stream in: some of them mirrored, some not.
    await waitForLines(file, 4);
    worker.child.kill('SIGKILL');
    expect(await worker.exited).toBe(null);
    const atKill = readLines(file).length;
    // Written while it is down, and a crash in the middle of an append.
    for (let i = 12; i < 20; i++) await write(i);
    fs.appendFileSync(file, '{"cursor":"NzY2LjE3MQ","kind":"CREA');

    worker = startWorker(server, file);
    workers.push(worker);
    await worker.waitForOutput(/cut an unfinished last line \(\d+ bytes\)/);
    await worker.waitForOutput(/mirroring .* after /);
    for (let i = 20; i < 25; i++) await write(i);

    const events = () => readLines(file).filter((l) => !markers.has(l.recordId));
    const deadline = Date.now() + 30_000;
    while (events().length < expected.length && Date.now() < deadline) await sleep(100);
    await sleep(500);
    const lines = readLines(file);
    expect(atKill).toBeLessThan(lines.length);
    expect(events().map((l) => [l.kind, l.recordId])).toEqual(expected);
    // The markers came first, then the rest: nothing else, nothing twice, no broken line left.
    const firstEvent = lines.findIndex((l) => !markers.has(l.recordId));
    expect(lines.slice(0, firstEvent).every((l) => markers.has(l.recordId))).toBe(true);
    expect(new Set(lines.map((l) => l.cursor)).size).toBe(lines.length);
    expect(fs.readFileSync(file, 'utf8').endsWith('\n')).toBe(true);

    // Log order: the server's own replay after the first line gives the same cursors.
    const client = createClient({ url: server.url, token: server.apiKey });
    const replay = client.events({ after: lines[0]!.cursor });
    const replayed: string[] = [];
    for await (const event of replay) {
      replayed.push(event.cursor);
      if (replayed.length === lines.length - 1) break;
    }
    await client.close();
    expect(replayed).toEqual(lines.slice(1).map((l) => l.cursor));

    worker.child.kill('SIGINT');
    expect(await worker.exited).toBe(0);
  });

  it('stops cleanly on SIGINT, leaving a whole file that a restart resumes', async () => {
    const file = path.join(dir, 'sigint.jsonl');
    const worker = startWorker(server, file);
    workers.push(worker);
    await worker.waitForOutput(/mirroring/);
    await untilMirroring(file);
    const id = await createCompany('last before stop');
    await waitForLines(file, 1);
    while (!readLines(file).some((l) => l.recordId === id)) await sleep(100);
    worker.child.kill('SIGINT');
    expect(await worker.exited).toBe(0);
    expect(worker.output).toMatch(/SIGINT: stopping/);
    expect(worker.output).toMatch(/stopped: \d+ events mirrored this run/);
    const text = fs.readFileSync(file, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    const last = readLines(file).at(-1)!;
    expect(last.recordId).toBe(id);

    // Started again, it resumes after that line.
    const again = startWorker(server, file);
    workers.push(again);
    await again.waitForOutput(new RegExp(`mirroring .* after ${last.cursor}`));
    const next = await createCompany('after restart');
    while (!readLines(file).some((l) => l.recordId === next)) await sleep(100);
    again.child.kill('SIGINT');
    expect(await again.exited).toBe(0);
    expect(readLines(file).filter((l) => l.recordId === id)).toHaveLength(1);
  });
});

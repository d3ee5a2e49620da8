/**
 * Running the `relata` command-line tool for real in tests: `node
 * packages/server/bin/relata.js` in a child process, in a temporary working
 * directory, on a temporary embedded data directory, or (when
 * RELATA_TEST_DATABASE_URL is set) on a fresh PostgreSQL database. Children and
 * directories are cleaned up after the test file.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEngine, type DatabaseOptions, type Engine } from '@relata/core';
import { createPostgresTestDatabaseUrl } from '@relata/core/testing';
import { afterAll } from 'vitest';

export const BIN = fileURLToPath(new URL('../bin/relata.js', import.meta.url));
export const adminUrl = process.env.RELATA_TEST_DATABASE_URL;
export const engineName = adminUrl ? 'PostgreSQL' : 'PGlite';

export const tempDirs: string[] = [];
export const children = new Set<ChildProcess>();

afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

export function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'relata-cli-'));
  tempDirs.push(dir);
  return dir;
}

/** A fresh database for the CLI: its environment, and how the test opens it. */
export interface Target {
  cwd: string;
  env: Record<string, string>;
  database: DatabaseOptions;
}

export async function newTarget(): Promise<Target> {
  const cwd = tempDir();
  if (adminUrl) {
    const url = await createPostgresTestDatabaseUrl(adminUrl);
    return { cwd, env: { DATABASE_URL: url }, database: { url, poolSize: 2 } };
  }
  const dataDir = path.join(tempDir(), 'data');
  return { cwd, env: { RELATA_DATA_DIR: dataDir }, database: { dataDir } };
}

// One database for the tests that do not need an empty one: creating an embedded
// data directory costs seconds. The migrate test comes first and sees it empty.
export let shared: Promise<Target> | undefined;
export const sharedTarget = () => (shared ??= newTarget());

/** No plugins (tests/fixtures/no-plugins.config.ts): these tests are about the CLI, not the standard CRM. */
export const NO_PLUGINS = fileURLToPath(new URL('./fixtures/no-plugins.config.ts', import.meta.url));

export function childEnv(target: Target | undefined, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, RELATA_CONFIG: NO_PLUGINS, ...target?.env, ...extra };
  // Nothing from the surrounding environment may pick another database.
  if (!target?.env.DATABASE_URL) delete env.DATABASE_URL;
  if (!target?.env.RELATA_DATA_DIR) delete env.RELATA_DATA_DIR;
  return env;
}

export function spawnCli(args: string[], target: Target | undefined, extra: Record<string, string> = {}): ChildProcess {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: target?.cwd ?? tempDir(),
    env: childEnv(target, extra),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  child.on('exit', () => children.delete(child));
  return child;
}

export interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function collect(child: ChildProcess): Promise<Result> {
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => (stdout += chunk));
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs `relata <args>` to completion. */
export function relata(args: string[], target?: Target, extra?: Record<string, string>): Promise<Result> {
  return collect(spawnCli(args, target, extra));
}

/** Opens the target's database in this process (after the CLI process has exited). */
export async function withTestEngine<T>(target: Target, fn: (engine: Engine) => Promise<T>): Promise<T> {
  const engine = await startEngine(target.database);
  try {
    return await fn(engine);
  } finally {
    await engine.close();
  }
}

/** Starts `relata start` on a free port and resolves once it has printed its URLs. */
export async function startServer(target: Target, extra: Record<string, string> = {}) {
  const child = spawnCli(['start'], target, { PORT: '0', HOST: '127.0.0.1', ...extra });
  const done = collect(child);
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`relata start did not print its URLs:\n${output}`)), 30_000);
    child.stdout!.on('data', (chunk) => {
      output += chunk;
      if (/Health: .*\n/.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.stderr!.on('data', (chunk) => (output += chunk));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`relata start exited with ${code}:\n${output}`));
    });
  });
  return {
    output: () => output,
    healthUrl: output.match(/Health:\s+(\S+)/)![1]!,
    /** Sends SIGTERM and resolves with how the process ended. */
    async stop(): Promise<Result> {
      child.kill('SIGTERM');
      return done;
    },
  };
}

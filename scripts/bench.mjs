#!/usr/bin/env node
// Runs the record benchmark (packages/server/bench/records.bench.ts) against a
// throwaway PostgreSQL server started here (scripts/pg-server.mjs), whose URL
// it passes in RELATA_BENCH_DATABASE_URL. The server is stopped at the end,
// also when the benchmark fails, times out or we are interrupted.
//
//   npm run bench                                   (writes docs/benchmarks.md)
//   npm run bench -- --records 20000 --iterations 100 --seconds 2 --out /tmp/b.md
//
// RELATA_BENCH_TIMEOUT_S bounds the whole run (default 900 s).

import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startPostgres } from './pg-server.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const benchFile = path.join(root, 'packages', 'server', 'bench', 'records.bench.ts');
const timeoutMs = Number(process.env.RELATA_BENCH_TIMEOUT_S ?? 900) * 1000;

const SIGNAL_EXIT = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };
let interrupted = null;
let child = null;
for (const sig of Object.keys(SIGNAL_EXIT)) {
  process.on(sig, () => {
    if (interrupted) return;
    interrupted = sig;
    console.error(`\n${sig} received: stopping the benchmark...`);
    if (child) {
      try { child.kill('SIGTERM'); } catch {}
    }
  });
}

function runBenchmark(env) {
  return new Promise((resolve) => {
    child = spawn(process.execPath, ['--import', 'tsx', benchFile, ...process.argv.slice(2)], {
      cwd: root,
      env,
      stdio: 'inherit',
    });
    const timer = setTimeout(() => {
      console.error(`\nBenchmark still running after ${timeoutMs / 1000} s: stopping it.`);
      try { child.kill('SIGKILL'); } catch {}
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      child = null;
      resolve({ ok: false, detail: `could not run the benchmark: ${err.message}` });
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      child = null;
      resolve(code === 0 ? { ok: true } : { ok: false, detail: signal ? `killed by ${signal}` : `exited with code ${code}` });
    });
  });
}

let server;
try {
  server = await startPostgres();
} catch (err) {
  console.error(`Could not start PostgreSQL: ${err.message}`);
  process.exit(1);
}

let outcome = { ok: false, detail: 'not run' };
try {
  console.log(`PostgreSQL ${server.version} at ${server.url} (pid ${server.pid})\n`);
  if (!interrupted) {
    outcome = await runBenchmark({ ...process.env, RELATA_BENCH_DATABASE_URL: server.url, NODE_ENV: 'production' });
  }
} finally {
  await server.stop();
}

if (interrupted) process.exit(SIGNAL_EXIT[interrupted]);
if (!outcome.ok) {
  console.error(`\nBenchmark failed: ${outcome.detail}`);
  process.exit(1);
}

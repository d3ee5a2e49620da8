#!/usr/bin/env node
// Runs the whole vitest suite once per database engine:
//   1. RELATA_TEST_ENGINE=pglite   (embedded PGlite, in memory)
//   2. RELATA_TEST_ENGINE=postgres (a throwaway PostgreSQL server started here,
//      admin URL in RELATA_TEST_DATABASE_URL; see scripts/pg-server.mjs)
//
//   node scripts/test.mjs [vitest args...]      e.g. node scripts/test.mjs packages/core
//   RELATA_TEST_ENGINES=pglite node scripts/test.mjs   (comma list; default pglite,postgres)
//
// Exits non-zero if any selected pass fails.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startPostgres } from './pg-server.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const vitestBin = path.join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'vitest.cmd' : 'vitest');
const vitestArgs = ['run', ...process.argv.slice(2)];

const ENGINES = ['pglite', 'postgres'];
const selected = (process.env.RELATA_TEST_ENGINES ?? 'pglite,postgres')
  .split(',')
  .map((s) => s.trim().toLowerCase())
  .filter(Boolean);
const unknown = selected.filter((e) => !ENGINES.includes(e));
if (unknown.length > 0 || selected.length === 0) {
  console.error(
    `RELATA_TEST_ENGINES must be a comma list of ${ENGINES.join(', ')} (got ${JSON.stringify(process.env.RELATA_TEST_ENGINES)}).`,
  );
  process.exit(2);
}
if (!fs.existsSync(vitestBin)) {
  console.error(`vitest not found at ${vitestBin}; run \`npm ci\` first.`);
  process.exit(2);
}

// --- signals: stop the current vitest, then clean up and exit --------------
let interrupted = null; // signal name
let current = null; // running vitest child
const SIGNAL_EXIT = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };
for (const sig of Object.keys(SIGNAL_EXIT)) {
  process.on(sig, () => {
    if (interrupted) return;
    interrupted = sig;
    console.error(`\n${sig} received: stopping tests...`);
    // A terminal Ctrl-C already reached vitest (same process group); forward
    // anyway for `kill`, vitest exits promptly either way.
    if (current) {
      try { current.kill(sig); } catch {}
    }
  });
}

function banner(text) {
  const line = '='.repeat(Math.max(text.length + 6, 60));
  console.log(`\n${line}\n== ${text} ==\n${line}\n`);
}

function runVitest(env) {
  return new Promise((resolve) => {
    const child = spawn(vitestBin, vitestArgs, { cwd: root, env, stdio: 'inherit' });
    current = child;
    child.on('error', (err) => {
      current = null;
      resolve({ ok: false, detail: `could not run vitest: ${err.message}` });
    });
    child.on('exit', (code, signal) => {
      current = null;
      if (code === 0) resolve({ ok: true, detail: '' });
      else resolve({ ok: false, detail: signal ? `vitest killed by ${signal}` : `vitest exited with code ${code}` });
    });
  });
}

function baseEnv() {
  const env = { ...process.env };
  delete env.RELATA_TEST_DATABASE_URL; // its presence selects PostgreSQL in the test helpers
  return env;
}

async function pglitePass() {
  banner('tests on PGlite');
  return runVitest({ ...baseEnv(), RELATA_TEST_ENGINE: 'pglite' });
}

async function postgresPass(result) {
  let server;
  try {
    server = await startPostgres();
  } catch (err) {
    banner('tests on PostgreSQL');
    console.error(`Could not start PostgreSQL: ${err.message}`);
    return { ok: false, detail: 'PostgreSQL server did not start' };
  }
  const major = server.version.split('.')[0];
  result.label = `PostgreSQL ${major}`;
  try {
    if (interrupted) return { ok: false, detail: 'not run' };
    banner(`tests on PostgreSQL ${major}`);
    console.log(`PostgreSQL ${server.version} at ${server.url} (data ${server.dataDir})\n`);
    return await runVitest({
      ...baseEnv(),
      RELATA_TEST_ENGINE: 'postgres',
      RELATA_TEST_DATABASE_URL: server.url,
    });
  } finally {
    await server.stop();
  }
}

const results = [];
for (const engine of ENGINES.filter((e) => selected.includes(e))) {
  const result = { engine, label: engine === 'pglite' ? 'PGlite' : 'PostgreSQL' };
  results.push(result);
  if (interrupted) {
    Object.assign(result, { ok: false, detail: 'not run', ms: 0 });
    continue;
  }
  const t0 = Date.now();
  const outcome = engine === 'pglite' ? await pglitePass() : await postgresPass(result);
  Object.assign(result, outcome, { ms: Date.now() - t0 });
  if (interrupted && !result.ok) result.detail = `interrupted (${interrupted})`;
}

const width = Math.max(...results.map((r) => r.label.length));
console.log('\n== test summary ==');
for (const r of results) {
  const status = r.ok ? 'PASS' : 'FAIL';
  const time = r.ms ? ` (${(r.ms / 1000).toFixed(1)}s)` : '';
  console.log(`  ${r.label.padEnd(width)}  ${status}${r.detail ? `  ${r.detail}` : ''}${time}`);
}
const skipped = ENGINES.filter((e) => !selected.includes(e));
if (skipped.length > 0) console.log(`  (skipped by RELATA_TEST_ENGINES: ${skipped.join(', ')})`);

if (interrupted) process.exit(SIGNAL_EXIT[interrupted]);
process.exit(results.every((r) => r.ok) ? 0 : 1);

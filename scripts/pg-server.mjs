#!/usr/bin/env node
// Throwaway PostgreSQL server for the test suite.
//
//   import { startPostgres } from './pg-server.mjs';
//   const pg = await startPostgres();          // or startPostgres({ port: 54329 })
//   pg.url  // postgres://relata@127.0.0.1:PORT/postgres (superuser, trust auth)
//   await pg.stop();                           // fast shutdown + temp dir removed
//
// Run directly (`node scripts/pg-server.mjs [--port N]`) it prints the URL and
// keeps the server up until SIGINT/SIGTERM.
//
// Uses Debian's binaries in /usr/lib/postgresql/<ver>/bin (newest version), or
// the directory in RELATA_PG_BINDIR. The cluster lives in a fresh temp dir,
// listens on 127.0.0.1 only (plus a unix socket inside the temp dir) and is
// tuned for throwaway use (no fsync). PostgreSQL refuses to run as root, so
// when we are root, initdb and postgres run as the `postgres` OS user.
//
// Cleanup if the caller never calls stop(): an 'exit' hook does an immediate
// shutdown, and a small detached watchdog shell (which blocks on a pipe from
// this process) covers crashes and SIGKILL.

import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const PG_ROOT = '/usr/lib/postgresql';
const SUPERUSER = 'relata';
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 20_000;

const INSTALL_HINT =
  'Install PostgreSQL with `apt-get install -y postgresql` (Debian/Ubuntu), ' +
  'point RELATA_PG_BINDIR at a directory containing initdb/postgres/pg_isready, ' +
  'or set RELATA_TEST_ENGINES=pglite to run only the embedded PGlite pass.';

/** Locate the PostgreSQL bin dir: RELATA_PG_BINDIR, else newest /usr/lib/postgresql/<ver>/bin. */
export function findPostgresBinDir() {
  const override = process.env.RELATA_PG_BINDIR;
  if (override) {
    if (!fs.existsSync(path.join(override, 'initdb'))) {
      throw new Error(`RELATA_PG_BINDIR=${override} does not contain initdb. ${INSTALL_HINT}`);
    }
    return override;
  }
  let versions = [];
  try {
    versions = fs
      .readdirSync(PG_ROOT)
      .filter((v) => /^\d+(\.\d+)?$/.test(v))
      .filter((v) => fs.existsSync(path.join(PG_ROOT, v, 'bin', 'initdb')))
      .sort((a, b) => parseFloat(b) - parseFloat(a));
  } catch {
    // PG_ROOT missing
  }
  if (versions.length === 0) {
    throw new Error(`No PostgreSQL server binaries found (looked for ${PG_ROOT}/<version>/bin/initdb). ${INSTALL_HINT}`);
  }
  return path.join(PG_ROOT, versions[0], 'bin');
}

/** "15.18" for the binaries in binDir. */
export function postgresVersion(binDir = findPostgresBinDir()) {
  const out = execFileSync(path.join(binDir, 'postgres'), ['--version'], { encoding: 'utf8' });
  // "postgres (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)"
  const m = /\)\s*(\d+(?:\.\d+)*)/.exec(out);
  return m ? m[1] : out.trim();
}

/** When root, the uid/gid of the `postgres` OS user; otherwise null (run as ourselves). */
function runAsIds() {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return null;
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    return { uid, gid };
  } catch {
    throw new Error(
      'Running as root, but there is no `postgres` OS user to run the server as ' +
        '(PostgreSQL refuses to run as root). Install the Debian package (`apt-get install -y postgresql`), ' +
        'which creates it, or run the tests as a non-root user.',
    );
  }
}

/** A currently free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
/** Like sleep, but does not keep the process alive (for Promise.race deadlines). */
const deadline = (ms) => new Promise((r) => setTimeout(r, ms).unref());

function tail(file, lines = 30) {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

/** Run a command to completion (async, so signal handlers still run meanwhile). */
function run(cmd, args, opts, onSpawn) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
    onSpawn?.(child);
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', (error) => resolve({ code: null, error, output }));
    child.on('close', (code, signal) => resolve({ code, signal, output }));
  });
}

/**
 * A detached shell that blocks reading a pipe from this process. Each line we
 * write is "<signal> <pid>" for the process currently running in the temp dir
 * (initdb, then the postmaster), or "- -" for none. When the pipe closes
 * because we died (any way, including SIGKILL) it signals that process, waits
 * for it and removes the temp dir. stop() kills the watchdog first.
 */
function spawnWatchdog(baseDir) {
  const script =
    'sig=; pid=; while read -r s p; do sig=$s; pid=$p; done; ' +
    'if [ "$pid" != "-" ] && [ -n "$pid" ]; then kill -"$sig" "$pid" 2>/dev/null; i=0; ' +
    'while kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done; ' +
    'kill -KILL "$pid" 2>/dev/null; fi; rm -rf "$1"';
  try {
    const wd = spawn('sh', ['-c', script, 'relata-pg-watchdog', baseDir], {
      detached: true,
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    wd.on('error', () => {});
    wd.stdin.on('error', () => {});
    wd.unref();
    wd.stdin.unref?.();
    return {
      watch(pid, signal) {
        try { wd.stdin.write(pid ? `${signal} ${pid}\n` : '- -\n'); } catch {}
      },
      kill() {
        if (wd.exitCode !== null || wd.signalCode !== null || !wd.pid) return;
        try { process.kill(-wd.pid, 'SIGKILL'); } catch { try { wd.kill('SIGKILL'); } catch {} }
      },
    };
  } catch {
    return { watch() {}, kill() {} };
  }
}

const live = new Set();
let exitHookInstalled = false;

function installExitHook() {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Best effort if the process exits without calling stop(): immediate
  // shutdown (SIGQUIT) and remove the temp dir.
  process.on('exit', () => {
    for (const h of live) {
      try { process.kill(h.pid, 'SIGQUIT'); } catch {}
      try { fs.rmSync(h.baseDir, { recursive: true, force: true }); } catch {}
    }
  });
}

/**
 * Start a throwaway PostgreSQL server.
 * @param {{ port?: number }} [opts]
 * @returns {Promise<{ url: string, port: number, dataDir: string, socketDir: string, version: string, pid: number, stop(): Promise<void> }>}
 */
export async function startPostgres({ port } = {}) {
  const binDir = findPostgresBinDir();
  const version = postgresVersion(binDir);
  const ids = runAsIds();
  // Node's spawn uid/gid (setgid+setuid, supplementary groups dropped) rather
  // than `runuser`: runuser answers SIGTERM with SIGTERM + SIGKILL after 2 s,
  // and an extra process in between makes clean shutdown harder.
  const asUser = ids ? { uid: ids.uid, gid: ids.gid } : {};
  const env = { ...process.env, LC_ALL: 'C', LANG: 'C' };

  const baseDir = fs.mkdtempSync(path.join(os.tmpdir(), 'relata-pg-'));
  const dataDir = path.join(baseDir, 'data');
  const logFile = path.join(baseDir, 'postgres.log');
  const watchdog = spawnWatchdog(baseDir);
  const fail = (err) => {
    watchdog.kill();
    fs.rmSync(baseDir, { recursive: true, force: true });
    throw err;
  };

  // --- initdb -----------------------------------------------------------
  try {
    if (ids) fs.chownSync(baseDir, ids.uid, ids.gid);
    const init = await run(
      path.join(binDir, 'initdb'),
      ['-D', dataDir, '-U', SUPERUSER, '--auth=trust', '-E', 'UTF8', '--no-locale', '--no-sync', '--no-instructions'],
      { ...asUser, cwd: baseDir, env },
      (child) => watchdog.watch(child.pid, 'TERM'), // initdb cleans up on SIGTERM
    );
    watchdog.watch(null);
    if (init.code !== 0) {
      throw new Error(`initdb failed (${init.error?.message ?? `exit ${init.code ?? init.signal}`}):\n${init.output}`);
    }
  } catch (e) {
    fail(e);
  }

  // --- postgres ---------------------------------------------------------
  // Spawned directly (not via pg_ctl) so it is our child and we can signal and
  // await it; detached (own process group) so a terminal Ctrl-C reaches only
  // us and we shut it down after the tests, in order.
  const fixedPort = port != null;
  let lastError;
  for (let attempt = 0; attempt < (fixedPort ? 1 : 5); attempt++) {
    const thePort = fixedPort ? port : await freePort();
    const logFd = fs.openSync(logFile, 'a');
    const child = spawn(
      path.join(binDir, 'postgres'),
      [
        '-D', dataDir,
        '-p', String(thePort),
        '-c', 'listen_addresses=127.0.0.1',
        '-c', `unix_socket_directories=${baseDir}`,
        '-c', 'fsync=off',
        '-c', 'synchronous_commit=off',
        '-c', 'full_page_writes=off',
        '-c', 'max_connections=200',
        '-c', 'shared_buffers=64MB',
        '-c', 'max_wal_size=1GB',
        '-c', 'log_min_error_statement=panic',
      ],
      { ...asUser, cwd: baseDir, env, detached: true, stdio: ['ignore', logFd, logFd] },
    );
    fs.closeSync(logFd);
    watchdog.watch(child.pid, 'QUIT'); // immediate shutdown
    let exited = null;
    const exitPromise = new Promise((resolve) => {
      child.once('exit', (code, signal) => resolve((exited = { code, signal })));
      child.once('error', (err) => resolve((exited = { code: null, signal: null, err })));
    });

    if (await waitReady(binDir, thePort, () => exited)) {
      return makeHandle({ child, watchdog, exitPromise, getExited: () => exited, port: thePort, baseDir, dataDir, version });
    }
    if (!exited) {
      try { process.kill(child.pid, 'SIGQUIT'); } catch {}
      await Promise.race([exitPromise, deadline(5000)]);
      try { process.kill(child.pid, 'SIGKILL'); } catch {}
      lastError = new Error(`PostgreSQL did not accept connections within ${START_TIMEOUT_MS} ms. Log:\n${tail(logFile)}`);
      break;
    }
    const log = tail(logFile);
    lastError = new Error(
      `PostgreSQL exited during startup (${exited.err?.message ?? `code ${exited.code}, signal ${exited.signal}`}). Log:\n${log}`,
    );
    // The port was taken between freePort() and bind(): retry on another one.
    if (fixedPort || !/could not bind|could not create any TCP\/IP sockets|Address already in use/i.test(log)) break;
  }
  return fail(lastError);
}

async function waitReady(binDir, port, getExited) {
  const until = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < until) {
    if (getExited()) return false;
    const r = await run(
      path.join(binDir, 'pg_isready'),
      ['-q', '-h', '127.0.0.1', '-p', String(port), '-U', SUPERUSER, '-d', 'postgres', '-t', '2'],
      {},
    );
    if (r.code === 0 && !getExited()) return true;
    await sleep(100);
  }
  return false;
}

function makeHandle({ child, watchdog, exitPromise, getExited, port, baseDir, dataDir, version }) {
  const pid = child.pid;
  child.unref(); // the server alone does not keep the process alive
  const entry = { pid, baseDir };
  live.add(entry);
  installExitHook();

  let stopping = null;
  const stop = () => {
    stopping ??= (async () => {
      watchdog.kill();
      if (!getExited()) {
        child.ref(); // stay alive until the server has exited
        try { process.kill(pid, 'SIGINT'); } catch {} // fast shutdown
        const done = await Promise.race([exitPromise, deadline(STOP_TIMEOUT_MS).then(() => null)]);
        if (!done) {
          try { process.kill(pid, 'SIGQUIT'); } catch {} // immediate shutdown
          await Promise.race([exitPromise, deadline(5000)]);
          if (isAlive(pid)) { try { process.kill(pid, 'SIGKILL'); } catch {} }
        }
      }
      live.delete(entry);
      fs.rmSync(baseDir, { recursive: true, force: true });
    })();
    return stopping;
  };

  return {
    url: `postgres://${SUPERUSER}@127.0.0.1:${port}/postgres`,
    port,
    dataDir,
    socketDir: baseDir,
    version,
    pid,
    stop,
  };
}

// --- CLI ------------------------------------------------------------------
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--port');
  const port = i > 0 ? Number(process.argv[i + 1]) : undefined;
  try {
    const server = await startPostgres({ port });
    console.log(`PostgreSQL ${server.version} running (pid ${server.pid}, data ${server.dataDir})`);
    console.log(server.url);
    console.log('Press Ctrl-C to stop.');
    const keepAlive = setInterval(() => {}, 1 << 30);
    const shutdown = async (sig) => {
      clearInterval(keepAlive);
      console.log(`\n${sig}: stopping PostgreSQL...`);
      await server.stop();
      process.exit(0);
    };
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
    process.once('SIGHUP', shutdown);
  } catch (e) {
    console.error(e.message);
    process.exit(1);
  }
}

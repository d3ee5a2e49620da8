/**
 * PGlite is one process per data directory: a second process opening it would
 * corrupt it. A lock file next to the directory keeps a second opener out with a
 * clear message; a lock left by a process that died is taken over.
 */
import fs from 'node:fs';
import path from 'node:path';
import { RelataError } from '../errors.ts';

/** Thrown when another live process holds the embedded database. */
export class DataDirLockedError extends RelataError {
  constructor(dataDir: string, pid: number) {
    super(
      'CONFLICT',
      `The embedded database in ${dataDir} is in use by another Relata process (pid ${pid}). ` +
        'Stop that process first (a running server holds it), or use PostgreSQL with DATABASE_URL ' +
        'so that several processes can share one database.',
      { pid },
    );
    this.name = 'DataDirLockedError';
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

// Locks this process holds. A lock file naming our pid that is not in here was left by
// an earlier process that happened to have the same pid (PID 1 in a restarted container).
const held = new Set<string>();

/** Takes the lock for `dataDir` or throws DataDirLockedError. */
export function acquireDataDirLock(dataDir: string): { release(): void } {
  const dir = path.resolve(dataDir);
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  const lockPath = `${dir}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lockPath, String(process.pid), { flag: 'wx' });
      held.add(lockPath);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        held.delete(lockPath);
        process.off('exit', release);
        try {
          if (fs.readFileSync(lockPath, 'utf8') === String(process.pid)) fs.unlinkSync(lockPath);
        } catch {
          // Already gone.
        }
      };
      process.on('exit', release);
      return { release };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = Number(fs.readFileSync(lockPath, 'utf8'));
      const ours = pid === process.pid && held.has(lockPath);
      if (Number.isInteger(pid) && pid > 0 && (ours || (pid !== process.pid && isAlive(pid)))) {
        throw new DataDirLockedError(dir, pid);
      }
      // Stale: the process that held it is gone.
      fs.rmSync(lockPath, { force: true });
    }
  }
  throw new DataDirLockedError(dir, -1);
}

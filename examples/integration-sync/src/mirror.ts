/**
 * The mirror file: Relata's change events as JSON lines, one event a line, in
 * log order. The file is its own checkpoint: the cursor to resume after is the
 * last line's `cursor`, so an event and its cursor are stored by one append and
 * a crash cannot separate them (no event lost, none written twice). A crash in
 * the middle of an append leaves a line without its newline: opening the file
 * cuts it off, and that event is received again.
 */
import fs from 'node:fs';
import path from 'node:path';

/** What a mirrored event must have. */
export interface MirroredEvent {
  cursor: string;
}

/** An open mirror file. */
export interface Mirror {
  /** The file's path. */
  readonly file: string;
  /** The cursor of the last event in the file; undefined for an empty file. */
  readonly cursor: string | undefined;
  /** Bytes cut off an unfinished last line when the file was opened (0 when it was whole). */
  readonly repaired: number;
  /** Appends the event as one line and flushes it to disk before returning. */
  append(event: MirroredEvent): void;
  close(): void;
}

const CHUNK = 64 * 1024;
const NEWLINE = 0x0a;

/** The offset of the last newline before `end`, reading backwards in chunks; -1 when there is none. */
function lastNewline(fd: number, end: number): number {
  const buffer = Buffer.alloc(CHUNK);
  for (let stop = end; stop > 0; ) {
    const start = Math.max(0, stop - CHUNK);
    const read = fs.readSync(fd, buffer, 0, stop - start, start);
    const at = buffer.subarray(0, read).lastIndexOf(NEWLINE);
    if (at >= 0) return start + at;
    stop = start;
  }
  return -1;
}

function readRange(fd: number, start: number, end: number): string {
  const buffer = Buffer.alloc(end - start);
  fs.readSync(fd, buffer, 0, buffer.length, start);
  return buffer.toString('utf8');
}

/** Opens (creating it and its folder if needed) the mirror `file`, repairing an unfinished last line. */
export function openMirror(file: string): Mirror {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  // Read and append: every write goes to the end.
  const fd = fs.openSync(file, 'a+');
  let size = fs.fstatSync(fd).size;
  let repaired = 0;
  let cursor: string | undefined;

  const end = size === 0 ? -1 : lastNewline(fd, size);
  if (end + 1 < size) {
    // The last append did not finish: its event was not stored, it comes again.
    repaired = size - (end + 1);
    fs.ftruncateSync(fd, end + 1);
    fs.fsyncSync(fd);
    size = end + 1;
  }
  if (size > 0) {
    const line = readRange(fd, lastNewline(fd, size - 1) + 1, size - 1);
    try {
      cursor = (JSON.parse(line) as Partial<MirroredEvent>).cursor;
    } catch {
      cursor = undefined;
    }
    if (typeof cursor !== 'string') {
      fs.closeSync(fd);
      throw new Error(`${file}: its last line is not an event with a cursor; is it a mirror file?`);
    }
  }

  return {
    file,
    get cursor() {
      return cursor;
    },
    repaired,
    append(event) {
      const bytes = Buffer.from(`${JSON.stringify(event)}\n`);
      for (let written = 0; written < bytes.length; ) written += fs.writeSync(fd, bytes, written);
      fs.fdatasyncSync(fd);
      cursor = event.cursor;
    },
    close() {
      fs.closeSync(fd);
    },
  };
}

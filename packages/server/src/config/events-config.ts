/**
 * How long the change log is kept, and how far back subscribers may resume, from
 * `RELATA_EVENT_RETENTION` and `RELATA_REPLAY_WINDOW` (docs/events.md#retention).
 */
import { ConfigError, parseDuration, read } from './env.ts';

/** The change log's lifetimes. */
export interface EventsConfig {
  /**
   * Events older than this are deleted (hourly), from `RELATA_EVENT_RETENTION`
   * (`90d`, `12h`..., or `forever`); null keeps them: records' history stays whole.
   * @default null (forever)
   */
  retentionMs: number | null;
  /**
   * Subscribers may resume from a cursor at most this old, from `RELATA_REPLAY_WINDOW`.
   * @default 259200000 (72 hours)
   */
  replayWindowMs: number;
}

/** Reads the change log's lifetimes; ConfigError names a bad variable. */
export function parseEvents(env: NodeJS.ProcessEnv): EventsConfig {
  const retentionRaw = read(env, 'RELATA_EVENT_RETENTION')?.toLowerCase() ?? 'forever';
  const retentionMs = retentionRaw === 'forever' ? null : parseDuration(retentionRaw);
  if (retentionMs === undefined || retentionMs === 0) {
    throw new ConfigError(`RELATA_EVENT_RETENTION must be a duration like 90d, 12h or 30m, or forever (got ${JSON.stringify(retentionRaw)}).`);
  }
  const windowRaw = read(env, 'RELATA_REPLAY_WINDOW')?.toLowerCase() ?? '72h';
  const replayWindowMs = parseDuration(windowRaw);
  if (replayWindowMs === undefined || replayWindowMs === 0) {
    throw new ConfigError(`RELATA_REPLAY_WINDOW must be a duration like 72h, 7d or 30m (got ${JSON.stringify(windowRaw)}).`);
  }
  if (retentionMs !== null && replayWindowMs > retentionMs) {
    throw new ConfigError('RELATA_REPLAY_WINDOW cannot be longer than RELATA_EVENT_RETENTION: events past retention cannot be replayed.');
  }
  return { retentionMs, replayWindowMs };
}

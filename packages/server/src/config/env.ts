/** What every part of the configuration shares: its error, and how a variable is read. */

/** The configuration is invalid; the message says which variable and why. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** The value of `name`, trimmed; empty counts as unset. */
export function read(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const DURATION = /^(\d{1,6})(s|m|h|d)$/;

/** `90d`, `12h`, `30m`, `45s` in milliseconds; undefined when it is not such a duration. */
export function parseDuration(raw: string): number | undefined {
  const match = DURATION.exec(raw);
  return match ? Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS] : undefined;
}

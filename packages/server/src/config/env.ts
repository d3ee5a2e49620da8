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

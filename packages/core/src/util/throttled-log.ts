/**
 * A background worker's problem reporter: the same failure on every poll (the
 * database is down) is logged once a minute, not once a poll.
 */
export function throttledLog(log: (message: string, error: unknown) => void, intervalMs = 60_000) {
  let last = { text: '', at: 0 };
  return (message: string, error: unknown) => {
    const text = `${message}: ${error instanceof Error ? error.message : String(error)}`;
    if (text === last.text && Date.now() - last.at < intervalMs) return;
    last = { text, at: Date.now() };
    log(message, error);
  };
}

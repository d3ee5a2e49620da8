/**
 * A ResumableSubscription whose document is known only after an await (the
 * records API discovers its type first); it keeps `cursor` and `close()` of
 * the subscription underneath.
 */
import type { ResumableSubscription } from '../subscriptions/index.ts';

/** A subscription opened once `source` resolves; iteration waits for it, close() before then cancels it. */
export function deferredSubscription<T>(source: Promise<string>, open: (source: string) => ResumableSubscription<T>): ResumableSubscription<T> {
  let inner: ResumableSubscription<T> | undefined;
  let closed = false;
  const ready = source.then((text) => {
    if (closed) return undefined;
    inner = open(text);
    return inner;
  });
  const done = { value: undefined, done: true } as IteratorReturnResult<undefined>;
  const subscription: ResumableSubscription<T> = {
    get cursor() {
      return inner?.cursor;
    },
    async next() {
      const opened = await ready;
      return opened ? opened.next() : done;
    },
    async return() {
      await subscription.close();
      return done;
    },
    async throw(error?: unknown) {
      await subscription.close();
      throw error;
    },
    async close() {
      closed = true;
      await (await ready.catch(() => undefined))?.close();
    },
    [Symbol.asyncIterator]() {
      return subscription;
    },
  };
  return subscription;
}

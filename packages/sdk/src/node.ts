/**
 * `@relata/sdk` in Node (the package's "node" export condition): the same API
 * as the browser entry (./index.ts), with `ws` as the WebSocket of
 * subscriptions, since Node 20 has no global WebSocket.
 */
import WebSocket from 'ws';
import { createClient as createBrowserClient } from './client/create-client.ts';

export * from './index.ts';

/** Creates a client (see ./client/create-client.ts); subscriptions use `ws` unless `webSocketImpl` says otherwise. */
export const createClient: typeof createBrowserClient = (options) => createBrowserClient({ webSocketImpl: WebSocket, ...options });

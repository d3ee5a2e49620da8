/**
 * Vite config of the sales board. The page calls `/graphql` on its own origin;
 * the dev server (and `vite preview`) proxy it to Relata, so the page needs no
 * Relata URL and the browser no CORS. The token comes from VITE_RELATA_TOKEN
 * (`npm start` passes a narrow, short-lived key: see README.md).
 *
 * `npm start` (src/dev.ts) and the tests call internalToolConfig; `npx vite`,
 * `npx vite build` in this folder use the default export, with RELATA_URL.
 */
import { fileURLToPath } from 'node:url';
import { defaultClientConditions, defineConfig, type ProxyOptions, type UserConfig } from 'vite';

/** Options of internalToolConfig. */
export interface InternalToolConfigOptions {
  /** Relata's GraphQL URL (`http://localhost:4000/graphql`) that `/graphql` is proxied to. */
  relataUrl?: string;
  /** The token built into the page (instead of VITE_RELATA_TOKEN). */
  token?: string;
}

const root = fileURLToPath(new URL('.', import.meta.url));

/** The proxy of `/graphql` (HTTP and WebSocket) to Relata's GraphQL endpoint. */
function graphqlProxy(relataUrl: string): Record<string, ProxyOptions> {
  const target = new URL(relataUrl);
  const path = target.pathname === '/' ? '/graphql' : target.pathname.replace(/\/$/, '');
  return {
    '/graphql': { target: target.origin, changeOrigin: true, ws: true, rewrite: (url) => path + url.slice('/graphql'.length) },
  };
}

/** The page's Vite config. */
export function internalToolConfig(options: InternalToolConfigOptions = {}): UserConfig {
  const proxy = options.relataUrl ? graphqlProxy(options.relataUrl) : undefined;
  return {
    root,
    // @relata/sdk's exports map has a "browser" condition (src/index.ts, no Node-only import) before
    // "node" (src/node.ts, which adds `ws`): Vite's client conditions include "browser", so the page gets the
    // browser entry. Listed here so that nothing later drops it; tests/bundle.test.ts checks the result.
    resolve: { conditions: [...new Set(['browser', ...defaultClientConditions])] },
    define: options.token === undefined ? {} : { 'import.meta.env.VITE_RELATA_TOKEN': JSON.stringify(options.token) },
    server: { proxy },
    preview: { proxy },
    build: { target: 'es2022' },
    clearScreen: false,
  };
}

export default defineConfig(internalToolConfig({ relataUrl: process.env.RELATA_URL }));

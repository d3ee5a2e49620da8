/**
 * Starts the page's Vite dev server programmatically (Node): what `npm start`
 * serves, and what the end-to-end test opens in Chromium.
 */
import { createServer, type ViteDevServer } from 'vite';
import { internalToolConfig } from '../../vite.config.ts';

/** Options of startPageServer. */
export interface PageServerOptions {
  /** Relata's GraphQL URL: the page's `/graphql` is proxied to it. */
  relataUrl: string;
  /** The token the page sends: a narrow-role, short-lived key (see page-key.ts). */
  token: string;
  /** @default '127.0.0.1' */
  host?: string;
  /** 0 picks a free port. @default 5173 */
  port?: number;
  /** Reload the page when a source file changes. @default true */
  watch?: boolean;
  /** Vite's dependency cache. @default node_modules/.vite of this folder */
  cacheDir?: string;
}

/** A running page server. */
export interface PageServer {
  /** The page's address: `http://127.0.0.1:5173/`. */
  url: string;
  vite: ViteDevServer;
  close(): Promise<void>;
}

/** Starts the dev server; resolves once it listens. */
export async function startPageServer(options: PageServerOptions): Promise<PageServer> {
  const base = internalToolConfig({ relataUrl: options.relataUrl, token: options.token });
  const vite = await createServer({
    ...base,
    configFile: false,
    logLevel: 'warn',
    ...(options.cacheDir ? { cacheDir: options.cacheDir } : {}),
    server: {
      ...base.server,
      host: options.host ?? '127.0.0.1',
      port: options.port ?? 5173,
      strictPort: true,
      ...(options.watch === false ? { watch: null, hmr: false } : {}),
    },
  });
  try {
    await vite.listen();
    const address = vite.httpServer?.address();
    if (!address || typeof address === 'string') throw new Error('The Vite dev server did not report its address');
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return { url: `http://${host}:${address.port}/`, vite, close: () => vite.close() };
  } catch (error) {
    await vite.close().catch(() => {});
    throw error;
  }
}

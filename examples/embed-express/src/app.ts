/**
 * The Express app: the product's own sign-in, and two things built on Relata.
 *
 * - `GET /timeline`: the signed-in user's customer account, its CRM timeline
 *   rendered here on the server. The backend mints a short-lived token for the
 *   user and reads Relata with it, so Relata applies the user's role.
 * - `GET /api/relata-token`: a fresh token for the same user, for a front end
 *   that calls Relata directly (`createClient({ url, getToken })` in the browser).
 *
 * The Relata secret stays in this process; browsers get only tokens.
 */
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import { RelataApiError, RelataNetworkError } from '@relata/sdk';
import { CONTENT_SECURITY_POLICY, errorPage, loginPage, timelinePage } from './html.ts';
import { mintRelataToken, type RelataTokenOptions } from './relata-tokens.ts';
import { SessionCookies } from './session.ts';
import { createCrmClient, loadTimeline } from './timeline.ts';
import type { AppUser, UserDirectory } from './users.ts';

/** The host of an Origin header (`null` and garbage have none). */
function hostOf(origin: string): string | undefined {
  try {
    return new URL(origin).host;
  } catch {
    return undefined;
  }
}

/** Options of createEmbedApp. */
export interface EmbedAppOptions {
  /** Relata's GraphQL endpoint, e.g. `http://localhost:4000/graphql`. */
  relataUrl: string;
  /** How tokens are signed for that server. */
  tokens: RelataTokenOptions;
  /** The product's users and customer accounts. */
  directory: UserDirectory;
  /** Signs the session cookie: at least 32 characters. */
  sessionSecret: string;
  /** Lifetime of the token the server reads a timeline with, in seconds. @default 60 */
  pageTokenTtlSeconds?: number;
  /** Lifetime of the tokens `GET /api/relata-token` hands out, in seconds. @default 300 */
  browserTokenTtlSeconds?: number;
  /** Lines shown under the sign-in form (the demo users). @default none */
  loginHint?: readonly string[];
  /** Where unexpected errors are logged. @default console.error */
  logError?: (error: unknown) => void;
}

/** Creates the app (not listening: see startEmbedApp). */
export function createEmbedApp(options: EmbedAppOptions): express.Express {
  const { directory, relataUrl } = options;
  const sessions = new SessionCookies(options.sessionSecret);
  const pageTtl = options.pageTokenTtlSeconds ?? 60;
  const browserTtl = options.browserTokenTtlSeconds ?? 300;
  const logError = options.logError ?? ((error: unknown) => console.error(error));

  const signedIn = (req: Request): AppUser | undefined => {
    const id = sessions.userId(req);
    return id === undefined ? undefined : directory.user(id);
  };

  const app = express();
  app.disable('x-powered-by');
  app.use((_req, res, next) => {
    res.setHeader('content-security-policy', CONTENT_SECURITY_POLICY);
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'no-referrer');
    // Every page is someone's: never cached by the browser or a proxy.
    res.setHeader('cache-control', 'no-store');
    next();
  });
  // A form posted from another site (which could sign a victim in as the attacker, or out) is refused;
  // browsers send Origin with every POST.
  app.use((req, res, next) => {
    const origin = req.get('origin');
    if (req.method === 'POST' && origin !== undefined && hostOf(origin) !== req.get('host')) {
      return res.status(403).type('html').send(errorPage('Refused', 'This form was sent from another site.'));
    }
    next();
  });
  app.use(express.urlencoded({ extended: false, limit: '10kb' }));

  app.get('/', (req, res) => res.redirect(303, signedIn(req) ? '/timeline' : '/login'));

  app.get('/login', (req, res) => {
    if (signedIn(req)) return res.redirect(303, '/timeline');
    res.type('html').send(loginPage({ hint: options.loginHint }));
  });

  app.post('/login', (req, res) => {
    const email = typeof req.body?.email === 'string' ? req.body.email : '';
    const password = typeof req.body?.password === 'string' ? req.body.password : '';
    const user = directory.signIn(email, password);
    if (!user) {
      return res.status(401).type('html').send(loginPage({ error: 'Wrong email or password.', email, hint: options.loginHint }));
    }
    sessions.start(res, user.id);
    res.redirect(303, '/timeline');
  });

  app.post('/logout', (_req, res) => {
    sessions.end(res);
    res.redirect(303, '/login');
  });

  app.get('/timeline', async (req, res) => {
    const user = signedIn(req);
    if (!user) return res.redirect(303, '/login');
    const account = directory.accountOf(user);
    // The server reads Relata as the user, with a token that outlives this request only briefly.
    const { token } = await mintRelataToken(options.tokens, user, account, pageTtl);
    const timeline = await loadTimeline(createCrmClient(relataUrl, token), account.relataCompanyId);
    if (!timeline) {
      return res.status(404).type('html').send(errorPage('No CRM record', `There is no CRM record for ${account.name} yet.`, user));
    }
    res.type('html').send(timelinePage(user, account, timeline));
  });

  app.get('/api/relata-token', async (req, res) => {
    const user = signedIn(req);
    if (!user) return res.status(401).json({ error: 'Sign in first' });
    const account = directory.accountOf(user);
    const minted = await mintRelataToken(options.tokens, user, account, browserTtl);
    res.json({ ...minted, url: relataUrl, workspaceId: account.relataWorkspaceId });
  });

  // Express 5 hands rejected promises of async handlers to the error handler.
  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    logError(error);
    const user = signedIn(req);
    const [status, message] =
      error instanceof RelataApiError || error instanceof RelataNetworkError
      ? [502, 'The CRM could not be reached. Try again in a moment.']
      : [500, 'Something went wrong on our side.'];
    if (req.path.startsWith('/api/')) return res.status(status).json({ error: message });
    res.status(status).type('html').send(errorPage('Sorry', message, user));
  });

  return app;
}

/** A listening app. */
export interface RunningApp {
  /** `http://<host>:<port>` */
  url: string;
  close(): Promise<void>;
}

/** Starts `app` on `port` (0: any free port) of `host`. */
export async function startEmbedApp(app: express.Express, port = 0, host = '127.0.0.1'): Promise<RunningApp> {
  const server = await new Promise<ReturnType<express.Express['listen']>>((resolve, reject) => {
    const listening = app.listen(port, host, (error?: Error) => (error ? reject(error) : resolve(listening)));
  });
  const { port: actual } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${actual}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

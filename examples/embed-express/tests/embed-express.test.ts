/**
 * The demo end to end: a real Relata test server (PGlite, or PostgreSQL with
 * RELATA_TEST_DATABASE_URL) with the CRM and JWTs on, a workspace per customer
 * account with its demo data, and the real Express app listening on a port,
 * driven over HTTP with fetch and its session cookie, as a browser would.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, UnauthenticatedError } from '@relata/sdk';
import { startDemo, type Demo } from '../src/demo.ts';
import { createCrmClient, type CrmClient } from '../src/timeline.ts';
import type { CustomerAccount } from '../src/users.ts';

// Tokens from GET /api/relata-token live this long here, so the test can watch one expire.
const BROWSER_TTL = 3;

let demo: Demo;
const logged: unknown[] = [];

beforeAll(async () => {
  // No clock tolerance on the local Relata: a token fails the second it expires.
  demo = await startDemo({ clockToleranceSeconds: 0, browserTokenTtlSeconds: BROWSER_TTL, logError: (e) => logged.push(e) });
});

afterAll(async () => {
  await demo?.close();
});

/** Signs in through the form; returns the session cookie (`name=value`). */
async function signIn(email: string, password: string): Promise<string> {
  const res = await fetch(`${demo.url}/login`, { method: 'POST', body: new URLSearchParams({ email, password }), redirect: 'manual' });
  expect(res.status).toBe(303);
  expect(res.headers.get('location')).toBe('/timeline');
  const cookie = res.headers.get('set-cookie');
  expect(cookie).toMatch(/HttpOnly/);
  return cookie!.split(';')[0]!;
}

async function timelineHtml(cookie: string): Promise<string> {
  const res = await fetch(`${demo.url}/timeline`, { headers: { cookie }, redirect: 'manual' });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/html/);
  return res.text();
}

/** The entries of a rendered timeline, in page order. */
function entries(page: string): Array<{ kind: string; at: string; title: string }> {
  const found = page.matchAll(/<li data-kind="([^"]+)"[^>]*>\s*<div class="kind">[^<]*<time datetime="([^"]+)">[\s\S]*?<strong class="title">([^<]*)<\/strong>/g);
  return [...found].map(([, kind, at, title]) => ({ kind: kind!, at: at!, title: title! }));
}

/** A customer account of the demo, by id. */
function account(id: 'acme' | 'globex'): CustomerAccount {
  return demo.accounts.find((a) => a.id === id)!;
}

/** POSTs GraphQL with the admin key of an account's workspace in the local Relata. */
async function adminGql<T>(accountId: 'acme' | 'globex', query: string, variables?: Record<string, unknown>) {
  const res = await fetch(demo.relataUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${demo.localRelata!.adminKeys[accountId]}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as { data?: T; errors?: unknown[] };
}

/** A client with the admin key of an account's workspace. */
function adminClient(accountId: 'acme' | 'globex'): CrmClient {
  return createCrmClient(demo.relataUrl, demo.localRelata!.adminKeys[accountId]!);
}

/** Every company, activity and activity link `client` can list, by name or title (sorted), with their ids. */
async function everything(client: CrmClient) {
  const all = { first: 200 };
  const [companies, notes, calls, meetings, emails, tasks, links] = await Promise.all([
    client.records('company').list(all),
    client.records('note').list(all),
    client.records('call').list(all),
    client.records('meeting').list(all),
    client.records('emailLog').list(all),
    client.records('task').list(all),
    client.records('activityTarget').list(all),
  ]);
  const activities = [
    ...notes.records.map((r) => ({ id: r.id, title: r.title ?? '' })),
    ...calls.records.map((r) => ({ id: r.id, title: r.subject })),
    ...meetings.records.map((r) => ({ id: r.id, title: r.subject })),
    ...emails.records.map((r) => ({ id: r.id, title: r.subject })),
    ...tasks.records.map((r) => ({ id: r.id, title: r.title })),
  ];
  return {
    companies: companies.records.map((c) => c.name).sort(),
    companyIds: companies.records.map((c) => c.id),
    activities: activities.map((a) => a.title).sort(),
    activityIds: activities.map((a) => a.id),
    noteIds: notes.records.map((r) => r.id),
    linkedTo: [...new Set(links.records.map((l) => l.target?.id))],
  };
}

function payloadOf(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

const ACME_TITLES = ['Send the signed renewal', 'Champion changed roles', 'Renewal quote for 2027', 'Quarterly business review', 'Onboarding check-in', 'Welcome to the platform'];
const GLOBEX_TITLES = ['Schedule the training session', 'Communication', 'Support escalation follow-up', 'Invoice 2026-11', 'Migration planning'];

describe('signed out', () => {
  it('sends the pages to the sign-in form and refuses the token endpoint', async () => {
    const page = await fetch(`${demo.url}/timeline`, { redirect: 'manual' });
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe('/login');

    const token = await fetch(`${demo.url}/api/relata-token`);
    expect(token.status).toBe(401);
    expect(await token.json()).toEqual({ error: 'Sign in first' });
  });

  it('refuses a wrong password and a forged or altered cookie', async () => {
    const wrong = await fetch(`${demo.url}/login`, {
      method: 'POST',
      body: new URLSearchParams({ email: 'alice@acme.example', password: 'globex-demo' }),
      redirect: 'manual',
    });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('set-cookie')).toBeNull();
    expect(await wrong.text()).toContain('Wrong email or password.');

    const cookie = await signIn('gina@globex.example', 'globex-demo');
    const [name, value] = cookie.split('=') as [string, string];
    const [payload, signature] = value.split('.') as [string, string];
    // Gina's cookie re-signed as Alice's would need the server's secret: swapping the user id breaks the signature.
    const asAlice = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), uid: 'alice' })).toString('base64url');
    // Another site's form cannot sign anyone in (or out).
    const crossSite = await fetch(`${demo.url}/login`, {
      method: 'POST',
      headers: { origin: 'https://evil.example' },
      body: new URLSearchParams({ email: 'gina@globex.example', password: 'globex-demo' }),
      redirect: 'manual',
    });
    expect(crossSite.status).toBe(403);
    expect(crossSite.headers.get('set-cookie')).toBeNull();

    for (const forged of [`${name}=${asAlice}.${signature}`, `${name}=${payload}.${signature.slice(0, -1)}${signature.endsWith("A") ? "B" : "A"}`, `${name}=garbage`]) {
      const res = await fetch(`${demo.url}/api/relata-token`, { headers: { cookie: forged } });
      expect(res.status).toBe(401);
    }
  });
});

describe('the timeline', () => {
  it("shows a user of Acme Acme's activities of every kind, newest first, and nothing of Globex", async () => {
    const page = await timelineHtml(await signIn('alice@acme.example', 'acme-demo'));
    const shown = entries(page);
    expect(shown.map((e) => e.title)).toEqual(ACME_TITLES);
    expect(new Set(shown.map((e) => e.kind))).toEqual(new Set(['note', 'call', 'meeting', 'emailLog', 'task']));
    const times = shown.map((e) => e.at);
    expect(times).toEqual([...times].sort().reverse());
    expect(page).toContain('<h1>Acme Corp</h1>');
    for (const title of [...GLOBEX_TITLES, 'Globex', 'Gina']) expect(page).not.toContain(title);
  });

  it("shows a user of Globex Globex's activities, and nothing of Acme", async () => {
    const page = await timelineHtml(await signIn('gina@globex.example', 'globex-demo'));
    expect(entries(page).map((e) => e.title)).toEqual(GLOBEX_TITLES);
    for (const title of [...ACME_TITLES, 'Acme', 'Alice']) expect(page).not.toContain(title);
  });

  it("reads Relata as the signed-in user: each becomes a member of their account's workspace only, with the viewer role", async () => {
    await timelineHtml(await signIn('adam@acme.example', 'acme-demo'));
    await timelineHtml(await signIn('gina@globex.example', 'globex-demo'));
    const members = async (accountId: 'acme' | 'globex') =>
      (await adminGql<{ members: Array<{ userId: string; role: string }> }>(accountId, '{ members { userId role } }')).data!.members;
    const users = (list: Array<{ userId: string; role: string }>) => list.filter((m) => ['adam', 'alice', 'gina'].includes(m.userId)).sort((a, b) => a.userId.localeCompare(b.userId));
    expect(users(await members('acme'))).toEqual([{ userId: 'adam', role: 'viewer' }, { userId: 'alice', role: 'viewer' }]);
    expect(users(await members('globex'))).toEqual([{ userId: 'gina', role: 'viewer' }]);
  });

  it('escapes what the CRM holds: a note with markup shows as text, at the top', async () => {
    const created = await adminGql<{ createNote: { id: string } }>('acme', 'mutation($input: NoteCreateInput!) { createNote(input: $input) { id } }', {
      input: { title: '<img src=x onerror=alert(1)> & "quotes"', body: '<script>alert("pwned")</script>' },
    });
    const link = await adminGql('acme', 'mutation($input: ActivityTargetCreateInput!) { createActivityTarget(input: $input) { id } }', {
      input: { activityId: created.data!.createNote.id, targetId: account('acme').relataCompanyId },
    });
    expect(link.errors).toBeUndefined();

    const page = await timelineHtml(await signIn('alice@acme.example', 'acme-demo'));
    expect(page).toContain('&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;');
    expect(page).toContain('&lt;img src=x onerror=alert(1)&gt; &amp; &quot;quotes&quot;');
    expect(page).not.toMatch(/<script|<img/i);
    expect(entries(page)[0]!.title).toBe('&lt;img src=x onerror=alert(1)&gt; &amp; &quot;quotes&quot;');
  });
});

describe('GET /api/relata-token', () => {
  it('hands the signed-in user a short-lived viewer token that Relata accepts, until it expires', async () => {
    const cookie = await signIn('gina@globex.example', 'globex-demo');
    const res = await fetch(`${demo.url}/api/relata-token`, { headers: { cookie } });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as { token: string; expiresIn: number; expiresAt: string; url: string; workspaceId: string };
    // Gina's account's workspace: Globex's.
    const workspaceId = account('globex').relataWorkspaceId;
    expect(body).toMatchObject({ expiresIn: BROWSER_TTL, url: demo.relataUrl, workspaceId });
    const claims = payloadOf(body.token);
    expect(claims).toMatchObject({ sub: 'gina', workspaceId, roles: ['viewer'] });
    expect(Number(claims.exp) - Number(claims.iat)).toBe(BROWSER_TTL);

    // What a front end does with it: talk to Relata directly.
    const relata = createClient({ url: body.url, token: body.token, retry: false });
    const { records } = await relata.records('company').list({ filter: { domain: { eq: 'globex.example' } } });
    expect(records.map((c) => c.name)).toEqual(['Globex']);
    // A viewer's schema has no mutations for records: writing is refused before anything runs.
    await expect(relata.records('note').create({ body: 'written from a browser' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });

    // Past `exp` (the test server allows no clock skew) the same token is refused.
    await new Promise((resolve) => setTimeout(resolve, Number(claims.exp) * 1000 - Date.now() + 200));
    const expired = await fetch(body.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${body.token}` },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(expired.status).toBe(401);
    expect(await expired.json()).toMatchObject({ errors: [{ extensions: { code: 'UNAUTHENTICATED', reason: 'EXPIRED' } }] });
    await expect(relata.records('company').list()).rejects.toBeInstanceOf(UnauthenticatedError);

    // A new call to the endpoint gives a fresh one.
    const again = (await (await fetch(`${demo.url}/api/relata-token`, { headers: { cookie } })).json()) as { token: string };
    expect(again.token).not.toBe(body.token);
    expect(await createClient({ url: body.url, token: again.token, retry: false }).request('{ __typename }')).toEqual({ __typename: 'Query' });
  });

  it('signing out clears the session cookie', async () => {
    const cookie = await signIn('alice@acme.example', 'acme-demo');
    const res = await fetch(`${demo.url}/logout`, { method: 'POST', headers: { cookie }, redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/login');
    expect(res.headers.get('set-cookie')).toMatch(/^embed_session=;.*Max-Age=0/);
    expect(logged).toEqual([]);
  });
});

describe('one workspace per customer account', () => {
  it("gives each account its own workspace, the CRM installed, holding only the account's company and activities", async () => {
    expect(account('acme').relataWorkspaceId).not.toBe(account('globex').relataWorkspaceId);
    const acme = await everything(adminClient('acme'));
    expect(acme.companies).toEqual(['Acme Corp']);
    expect(acme.activities).toEqual(expect.arrayContaining(ACME_TITLES));
    for (const title of GLOBEX_TITLES) expect(acme.activities).not.toContain(title);
    expect(acme.linkedTo).toEqual([account('acme').relataCompanyId]);
    const globex = await everything(adminClient('globex'));
    expect(globex).toMatchObject({ companies: ['Globex'], activities: [...GLOBEX_TITLES].sort(), linkedTo: [account('globex').relataCompanyId] });
  });

  it("a Globex user's browser token reads Globex's data only: Acme's records are not found", async () => {
    const cookie = await signIn('gina@globex.example', 'globex-demo');
    const { token, url } = (await (await fetch(`${demo.url}/api/relata-token`, { headers: { cookie } })).json()) as { token: string; url: string };
    // What a script holding the token could try: list everything, with no filter at all.
    const gina = createCrmClient(url, token);
    const seen = await everything(gina);
    expect(seen.companies).toEqual(['Globex']);
    expect(seen.activities).toEqual([...GLOBEX_TITLES].sort());
    expect(seen.linkedTo).toEqual([account('globex').relataCompanyId]);

    // Acme's records, asked for by id: NOT_FOUND, which get() answers with null.
    const acme = await everything(adminClient('acme'));
    expect(await gina.records('company').get(account('acme').relataCompanyId)).toBeNull();
    for (const id of acme.noteIds) expect(await gina.records('note').get(id)).toBeNull();
    const raw = await createClient({ url, token, retry: false }).request<{ company: unknown; note: unknown }>(
      'query($company: ID!, $note: ID!) { company(id: $company) { id name } note(id: $note) { id title } }',
      { company: account('acme').relataCompanyId, note: acme.noteIds[0]! },
    );
    expect(raw).toEqual({ company: null, note: null });
    // Nor can a filter on Acme's company id find its activities.
    const linked = await gina.records('note').list({ filter: { targets: { some: { targetId: { eq: account('acme').relataCompanyId } } } } });
    expect(linked.records).toEqual([]);

    // And the other way round: Alice's token does not reach Globex.
    const aliceCookie = await signIn('alice@acme.example', 'acme-demo');
    const alice = (await (await fetch(`${demo.url}/api/relata-token`, { headers: { cookie: aliceCookie } })).json()) as { token: string; workspaceId: string };
    expect(alice.workspaceId).toBe(account('acme').relataWorkspaceId);
    expect(await createCrmClient(url, alice.token).records('company').get(account('globex').relataCompanyId)).toBeNull();
    expect((await everything(createCrmClient(url, alice.token))).companies).toEqual(['Acme Corp']);
  });

  it('started again against the same server (as with RELATA_URL), finds each account\'s company and adds nothing', async () => {
    const before = { acme: await everything(adminClient('acme')), globex: await everything(adminClient('globex')) };
    const again = await startDemo({ relata: demo.localRelata!.connection, logError: (e) => logged.push(e) });
    try {
      expect(again.accounts).toEqual(demo.accounts);
      expect(await everything(adminClient('acme'))).toEqual(before.acme);
      expect(await everything(adminClient('globex'))).toEqual(before.globex);
      // The second app serves the same timelines.
      const res = await fetch(`${again.url}/login`, { method: 'POST', body: new URLSearchParams({ email: 'gina@globex.example', password: 'globex-demo' }), redirect: 'manual' });
      const page = await (await fetch(`${again.url}/timeline`, { headers: { cookie: res.headers.get('set-cookie')!.split(';')[0]! } })).text();
      expect(entries(page).map((e) => e.title)).toEqual(GLOBEX_TITLES);
    } finally {
      await again.close();
    }
  });

  it('refuses to start with two accounts in one workspace', async () => {
    const { connection } = demo.localRelata!;
    const shared = { acme: account('acme').relataWorkspaceId, globex: account('acme').relataWorkspaceId };
    await expect(startDemo({ relata: { ...connection, workspaces: shared } })).rejects.toThrow(/accounts acme and globex name the same Relata workspace/);
    await expect(startDemo({ relata: { ...connection, workspaces: { acme: shared.acme } } })).rejects.toThrow(/No Relata workspace for the account\(s\) globex/);
  });
});

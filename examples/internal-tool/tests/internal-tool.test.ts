/**
 * The sales board end to end: a real Relata test server (PGlite, or PostgreSQL
 * with RELATA_TEST_DATABASE_URL) with the CRM and the demo data, a narrow page
 * key, the page's Vite dev server (as `npm start` serves it), and Debian's
 * Chromium driven by playwright-core. Then the production build: its bundle
 * holds the SDK's browser entry and nothing Node-only, and it works in Chromium.
 *
 * The browser runs in UTC with its clock fixed at the seed's `now`, so which
 * tasks are overdue does not depend on when the test runs.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { createTestServer, type TestServer } from '@relata/sdk/testing';
import crm from '@relata/plugin-crm';
import { build, preview } from 'vite';
import { createCrmClient, type CrmClient } from '../src/crm.ts';
import { createPageKey, type PageKey } from '../src/dev/page-key.ts';
import { SEEDED_OVERDUE_TASKS, SEEDED_SALES_BOARD, seedDemoData, type SeededData } from '../src/dev/seed.ts';
import { startPageServer, type PageServer } from '../src/dev/vite-server.ts';
import { internalToolConfig } from '../vite.config.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const SCREENSHOT = path.resolve(here, '../screenshots/board.png');
const SDK_SRC = path.resolve(here, '../../../packages/sdk/src');

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

// The seed and the browser agree on "now" and on the day it is in (UTC).
const NOW = new Date();
const START_OF_TODAY = new Date(Date.UTC(NOW.getUTCFullYear(), NOW.getUTCMonth(), NOW.getUTCDate()));

let relata: TestServer;
let admin: CrmClient;
let seeded: SeededData;
let pageKey: PageKey;
let server: PageServer;
let browser: Browser;
let workDir: string;

// Everything started is stopped in afterAll, newest first, whatever failed (a test, or beforeAll halfway).
const cleanups: Array<() => Promise<unknown>> = [];

beforeAll(async () => {
  workDir = await mkdtemp(path.join(tmpdir(), 'relata-internal-tool-'));
  cleanups.push(() => rm(workDir, { recursive: true, force: true }));
  relata = await createTestServer({ plugins: [crm] });
  cleanups.push(() => relata.close());
  admin = createCrmClient({ url: relata.url, token: relata.apiKey });
  cleanups.push(() => admin.close());
  seeded = await seedDemoData(admin, { now: NOW, startOfToday: START_OF_TODAY });
  const key = await createPageKey(admin, { role: 'member', name: 'internal-tool test' });
  if (!key) throw new Error('The admin key could not create the page key');
  pageKey = key;
  server = await startPageServer({ relataUrl: relata.url, token: pageKey.key, port: 0, watch: false, cacheDir: path.join(workDir, 'vite-cache') });
  cleanups.push(() => server.close());
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  cleanups.push(() => browser.close());
}, 180_000); // a fresh database with the CRM installed takes a while on a busy machine

afterAll(async () => {
  const errors: unknown[] = [];
  for (const cleanup of cleanups.reverse()) await cleanup().catch((error: unknown) => errors.push(error));
  if (errors.length) throw new AggregateError(errors, 'Cleaning up failed');
});

/** A fresh page in UTC, en-US, its clock fixed at NOW; collects the page's errors. */
async function openPage(url: string): Promise<{ page: Page; context: BrowserContext; errors: string[] }> {
  const context = await browser.newContext({ timezoneId: 'UTC', locale: 'en-US', viewport: { width: 1640, height: 620 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  await page.clock.setFixedTime(NOW);
  await page.goto(url);
  await page.locator('body[data-state="ready"]').waitFor();
  return { page, context, errors };
}

/** The board as the page shows it: each column's stage, card names, count and total. */
async function readBoard(page: Page) {
  return page.locator('[data-testid="stage-column"]').evaluateAll((columns) =>
    columns.map((column) => ({
      stage: column.getAttribute('data-stage'),
      cards: [...column.querySelectorAll('[data-testid="opportunity"] .card-name')].map((card) => card.textContent),
      count: column.querySelector('[data-testid="column-count"]')?.textContent ?? null,
      total: column.querySelector('[data-testid="column-total"]')?.textContent ?? null,
    })),
  );
}

/** SEEDED_SALES_BOARD as readBoard reads it (closed columns have no count or total). */
function expectedBoard(changes: Record<string, { cards: string[]; count: string; total: string }> = {}) {
  return SEEDED_SALES_BOARD.map((column) => ({
    stage: column.stage,
    cards: [...column.cards],
    count: 'count' in column ? column.count : null,
    total: 'total' in column ? column.total : null,
    ...changes[column.stage],
  }));
}

function card(page: Page, name: string) {
  return page.locator('[data-testid="opportunity"]', { has: page.locator('.card-name', { hasText: name }) });
}

function column(page: Page, stage: string) {
  return page.locator(`[data-testid="stage-column"][data-stage="${stage}"]`);
}

async function opportunity(name: string) {
  const record = await admin.records('opportunity').get(seeded.opportunities.get(name) ?? '');
  if (!record) throw new Error(`No opportunity ${name}`);
  return record;
}

describe('the sales board (Vite dev server)', () => {
  let page: Page;
  let context: BrowserContext;
  let errors: string[];

  beforeAll(async () => {
    ({ page, context, errors } = await openPage(server.url));
  });

  afterAll(async () => {
    await context?.close();
  });

  it('shows the default pipeline by stage: the open deals in their columns, with counts and exact totals', async () => {
    expect(await page.locator('#pipeline option:checked').textContent()).toBe('Sales');
    expect(await readBoard(page)).toEqual(expectedBoard());
    await expect(card(page, 'Data platform').locator('.card-company').textContent()).resolves.toBe('Globex');
    await expect(card(page, 'Data platform').locator('.card-amount').textContent()).resolves.toBe('€48,500.00');
    await expect(card(page, 'Armor CRM rollout').locator('.card-amount').textContent()).resolves.toBe('$30,000.00');
    await expect(card(page, 'Sales training').locator('.card-amount').textContent()).resolves.toBe('No amount');
    // Won, lost, deleted and other pipelines' deals are not on the board.
    for (const name of ['Pilot project', 'Printer fleet', 'Old intranet', 'Acme renewal']) expect(await card(page, name).count()).toBe(0);
    expect(await page.locator('#status').textContent()).toBe('7 open deals in Sales.');
  });

  it('lists exactly the overdue tasks, oldest first', async () => {
    const titles = await page.locator('[data-testid="overdue-task"] .task-title').allTextContents();
    expect(titles).toEqual([...SEEDED_OVERDUE_TASKS]);
    const late = await page.locator('[data-testid="overdue-task"] .task-late').allTextContents();
    expect(late).toEqual(['10 days late', '3 days late', '1 day late']);
  });

  it('takes a screenshot of the board', async () => {
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    const png = await readFile(SCREENSHOT);
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(png.subarray(12, 16).toString('ascii')).toBe('IHDR');
    expect(png.readUInt32BE(16)).toBe(1640); // width
    expect(png.readUInt32BE(20)).toBeGreaterThanOrEqual(400); // height
    expect(png.length).toBeGreaterThan(30_000);
  });

  it('moves a dragged card to its new stage and saves it with the version it read', async () => {
    const before = await opportunity('Website relaunch');
    await card(page, 'Website relaunch').dragTo(column(page, 'needsAnalysis'));
    await page.locator('#status', { hasText: 'Moved “Website relaunch” to Needs analysis.' }).waitFor();
    await page.locator('body[data-state="ready"]').waitFor();
    expect(await readBoard(page)).toEqual(
      expectedBoard({
        prospecting: { cards: ['Data platform'], count: '1 deal', total: '€48,500.00' },
        needsAnalysis: { cards: ['Website relaunch'], count: '1 deal', total: '€12,000.00' },
      }),
    );
    const after = await opportunity('Website relaunch');
    expect(after).toMatchObject({ stage: 'needsAnalysis', probability: 40, outcome: 'open', version: before.version + 1 });

    // The card keeps the saved version: moving it again is not a conflict.
    await card(page, 'Website relaunch').dragTo(column(page, 'proposal'));
    await page.locator('#status', { hasText: 'Moved “Website relaunch” to Proposal.' }).waitFor();
    expect(await opportunity('Website relaunch')).toMatchObject({ stage: 'proposal', version: before.version + 2 });
  });

  it('closes a deal moved to a won stage with the card menu, and takes it off the board', async () => {
    await card(page, 'Support contract').locator('select.stage-menu').selectOption('closedWon');
    await page.locator('#status', { hasText: 'Closed “Support contract” as won.' }).waitFor();
    expect(await card(page, 'Support contract').count()).toBe(0);
    expect(await column(page, 'qualification').locator('[data-testid="column-total"]').textContent()).toBe('–');
    expect(await opportunity('Support contract')).toMatchObject({ stage: 'closedWon', outcome: 'won', probability: 100 });
  });

  it('does not overwrite a deal someone changed meanwhile: the move fails and the board reloads', async () => {
    const stale = await opportunity('Lab automation');
    await admin.records('opportunity').update(stale.id, { stage: 'negotiation' });
    await card(page, 'Lab automation').dragTo(column(page, 'qualification'));
    await page.locator('#status', { hasText: '“Lab automation” was changed by someone else meanwhile' }).waitFor();
    await page.locator('body[data-state="ready"]').waitFor();
    expect(await column(page, 'negotiation').locator('.card-name', { hasText: 'Lab automation' }).count()).toBe(1);
    expect(await column(page, 'qualification').locator('.card-name').count()).toBe(0);
    expect(await opportunity('Lab automation')).toMatchObject({ stage: 'negotiation', version: stale.version + 1 });
  });

  it('shows another pipeline chosen in the menu, and keeps it in the address', async () => {
    await page.locator('#pipeline').selectOption({ label: 'Renewals' });
    await page.locator('#status', { hasText: 'in Renewals.' }).waitFor();
    expect(await readBoard(page)).toEqual([
      { stage: 'upForRenewal', cards: ['Umbrella renewal 2027'], count: '1 deal', total: '€18,000.00' },
      { stage: 'renewing', cards: ['Acme renewal'], count: '1 deal', total: '€9,999.99' },
      { stage: 'renewed', cards: [], count: null, total: null },
      { stage: 'churned', cards: [], count: null, total: null },
    ]);
    expect(new URL(page.url()).searchParams.get('pipeline')).toBe(seeded.pipelines.Renewals);
  });

  it('logged no error in the page', () => {
    expect(errors).toEqual([]);
  });
});

describe('the production build (with a viewer key)', () => {
  let outDir: string;
  let graph: string[];
  let bundled: string[];
  let warnings: string[];
  let viewerKey: PageKey;

  beforeAll(async () => {
    outDir = path.join(workDir, 'dist');
    const key = await createPageKey(admin, { role: 'viewer', name: 'internal-tool test (viewer)' });
    if (!key) throw new Error('The admin key could not create the viewer key');
    viewerKey = key;
    warnings = [];
    // Every module of the graph, re-export-only ones too (a chunk's moduleIds lists only those with code left).
    graph = [];
    const config = internalToolConfig({ relataUrl: relata.url, token: viewerKey.key });
    const output = await build({
      ...config,
      plugins: [{ name: 'record-module-graph', buildEnd() { graph.push(...this.getModuleIds()); } }],
      configFile: false,
      logLevel: 'warn', // warnings (a Node builtin "externalized for browser compatibility") still reach customLogger
      build: { ...config.build, outDir, emptyOutDir: true },
      customLogger: {
        info() {},
        warn: (message) => void warnings.push(message),
        warnOnce: (message) => void warnings.push(message),
        error: (message) => void warnings.push(message),
        clearScreen() {},
        hasErrorLogged: () => false,
        hasWarned: false,
      },
    });
    const outputs = (Array.isArray(output) ? output : [output]).flatMap((o) => ('output' in o ? o.output : []));
    bundled = outputs.flatMap((o) => (o.type === 'chunk' ? o.moduleIds : []));
  }, 120_000);

  it('bundles the SDK browser entry and no Node-only module', () => {
    expect(bundled).toContain(path.join(SDK_SRC, 'client/create-client.ts'));
    expect(graph).toContain(path.join(SDK_SRC, 'index.ts'));
    const nodeOnly = [...graph, ...bundled].filter(
      (id) => id === path.join(SDK_SRC, 'node.ts') || id.startsWith('node:') || id.includes('__vite-browser-external') || /[/\\]node_modules[/\\]ws[/\\]/.test(id),
    );
    expect(nodeOnly).toEqual([]);
    expect(warnings.filter((w) => /externalized for browser compatibility|node:/.test(w))).toEqual([]);
  });

  it('works in Chromium; a viewer cannot move a card: the move is refused and the card goes back', async () => {
    const config = internalToolConfig({ relataUrl: relata.url });
    const served = await preview({ ...config, configFile: false, logLevel: 'silent', build: { outDir }, preview: { ...config.preview, host: '127.0.0.1', port: 0 } });
    cleanups.push(() => served.close());
    const { context, page, errors } = await openPage(served.resolvedUrls?.local[0] ?? '');
    cleanups.push(() => context.close());
    expect(await page.locator('[data-testid="stage-column"]').count()).toBe(SEEDED_SALES_BOARD.length);
    expect(await page.locator('[data-testid="overdue-task"] .task-title').allTextContents()).toEqual([...SEEDED_OVERDUE_TASKS]);

    const before = await opportunity('Data platform');
    await card(page, 'Data platform').locator('select.stage-menu').selectOption('qualification');
    await page.locator('#status.error', { hasText: 'Could not move “Data platform”' }).waitFor();
    expect(await page.locator('#status').textContent()).toContain("this page's key may not change it");
    await page.locator('body[data-state="ready"]').waitFor();
    expect(await column(page, 'prospecting').locator('.card-name', { hasText: 'Data platform' }).count()).toBe(1);
    expect(await card(page, 'Data platform').locator('select.stage-menu').inputValue()).toBe('prospecting');
    expect(await opportunity('Data platform')).toMatchObject({ stage: 'prospecting', version: before.version });
    // The refusal is the page's own message, not an uncaught error.
    expect(errors).toEqual([]);
  });
});

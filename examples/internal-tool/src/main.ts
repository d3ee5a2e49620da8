/**
 * The page: loads the pipelines, the chosen pipeline's open opportunities and
 * the overdue tasks with the browser SDK, draws the board and the list, and
 * saves a card's move (with the version it read, so a deal someone else changed
 * meanwhile is not overwritten: the board reloads instead).
 *
 * `body[data-state]` says what the page is doing (`loading`, `ready`, `saving`,
 * `error`): the end-to-end test waits on it.
 */
import { BadRequestError, ConflictError, ForbiddenError, RelataNetworkError, UnauthenticatedError } from '@relata/sdk';
import { renderBoard } from './board.ts';
import { createCrmClient, loadOpenDeals, loadOverdueTasks, loadPipelines, moveDeal, startOfLocalDay, type Deal, type Pipeline, type Stage } from './crm.ts';
import { renderOverdue } from './overdue.ts';
import './style.css';

function byId<T extends HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`index.html has no #${id}`);
  return element as T;
}

const board = byId<HTMLElement>('board');
const overdue = byId<HTMLUListElement>('overdue');
const pipelineMenu = byId<HTMLSelectElement>('pipeline');
const refreshButton = byId<HTMLButtonElement>('refresh');
const status = byId<HTMLElement>('status');

// The dev server proxies /graphql to Relata, so the page talks to its own origin (no CORS, no Relata URL in the page).
const token = import.meta.env.VITE_RELATA_TOKEN;
const client = token ? createCrmClient({ url: new URL('/graphql', location.href).href, token }) : undefined;

let pipelines: Pipeline[] = [];
let pipeline: Pipeline | undefined;
let deals: Deal[] = [];
let loads = 0; // a newer load wins over an older one still running
let saving = 0;

function setState(state: 'loading' | 'ready' | 'saving' | 'error'): void {
  document.body.dataset.state = state;
}

function say(text: string, kind: 'info' | 'error' = 'info'): void {
  status.textContent = text;
  status.className = kind;
}

function describe(error: unknown): string {
  if (error instanceof UnauthenticatedError) return 'Relata refused the token (expired or revoked?): restart the page with a new one.';
  if (error instanceof ForbiddenError) return `Relata refused: ${error.message} (the token's role may not do this).`;
  if (error instanceof RelataNetworkError) return `Relata cannot be reached: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

function draw(): void {
  if (pipeline) renderBoard(board, pipeline, deals, { onMove: (deal, stage) => void move(deal, stage) });
}

function choosePipeline(): Pipeline | undefined {
  const wanted = new URL(location.href).searchParams.get('pipeline');
  return pipelines.find((p) => p.id === wanted) ?? pipelines.find((p) => p.isDefault) ?? pipelines[0];
}

/** Reads everything again and redraws. */
async function load(): Promise<void> {
  if (!client) return;
  const load = ++loads;
  setState('loading');
  say('Loading…');
  try {
    const startOfToday = startOfLocalDay(new Date());
    const [allPipelines, tasks] = await Promise.all([loadPipelines(client), loadOverdueTasks(client, startOfToday)]);
    if (load !== loads) return;
    pipelines = allPipelines;
    pipeline = choosePipeline();
    pipelineMenu.replaceChildren(...pipelines.map((p) => new Option(p.name, p.id, false, p.id === pipeline?.id)));
    deals = pipeline ? await loadOpenDeals(client, pipeline.id) : [];
    if (load !== loads) return;
    draw();
    renderOverdue(overdue, tasks, startOfToday);
    say(pipeline ? `${deals.length} open ${deals.length === 1 ? 'deal' : 'deals'} in ${pipeline.name}.` : 'This workspace has no pipeline yet.');
    setState(saving ? 'saving' : 'ready');
  } catch (error) {
    if (load !== loads) return;
    say(describe(error), 'error');
    setState('error');
  }
}

/** Moves a card at once, then saves; a conflict reloads the board, another error puts the card back. */
async function move(deal: Deal, stage: Stage): Promise<void> {
  if (!client || deal.stage === stage.value) return;
  deals = deals.map((d) => (d.id === deal.id ? { ...d, stage: stage.value } : d));
  draw();
  saving++;
  setState('saving');
  say(`Moving “${deal.name}” to ${stage.label}…`);
  try {
    const saved = await moveDeal(client, deal, stage.value);
    // Closed deals leave the board (it shows open ones); others keep the version just saved for their next move.
    deals = saved.outcome === 'open' ? deals.map((d) => (d.id === deal.id ? { ...d, version: saved.version, stage: saved.stage } : d)) : deals.filter((d) => d.id !== deal.id);
    say(saved.outcome === 'open' ? `Moved “${deal.name}” to ${stage.label}.` : `Closed “${deal.name}” as ${saved.outcome}.`);
  } catch (error) {
    if (error instanceof ConflictError) {
      saving--;
      await load();
      say(`“${deal.name}” was changed by someone else meanwhile: the board was reloaded, nothing was overwritten.`, 'error');
      return;
    }
    deals = deals.map((d) => (d.id === deal.id ? deal : d)); // back where it was (other cards may have moved meanwhile)
    // A role that may not update opportunities has no updateOpportunity in its schema (BAD_REQUEST, "Cannot query
    // field"); one that may not change this record or the stage gets FORBIDDEN.
    const refused = error instanceof ForbiddenError || error instanceof BadRequestError;
    say(`Could not move “${deal.name}”: ${refused ? `this page's key may not change it (${error.message})` : describe(error)}`, 'error');
  }
  saving--;
  draw();
  setState(saving ? 'saving' : 'ready');
}

pipelineMenu.addEventListener('change', () => {
  const url = new URL(location.href);
  url.searchParams.set('pipeline', pipelineMenu.value);
  history.replaceState(null, '', url);
  void load();
});
refreshButton.addEventListener('click', () => void load());

if (client) {
  void load();
} else {
  say('No token: start the page with `npm start -w @relata/example-internal-tool`, or set VITE_RELATA_TOKEN (see README.md).', 'error');
  setState('error');
}

/**
 * The pipeline board: one column per stage of the pipeline, in its order, the
 * open opportunities as cards (name, company, amount) and each open column's
 * count and exact total. A card moves to another stage by drag and drop, or
 * with its "Stage" menu (the keyboard's way). Won and lost stages hold no cards
 * (the board shows open deals): dropping a card there closes the deal.
 */
import type { Deal, Pipeline, Stage } from './crm.ts';
import { h } from './dom.ts';
import { formatMoney, formatTotals, totalsByCurrency } from './money.ts';

/** What the board asks of the page. */
export interface BoardHandlers {
  /** The user moved `deal` to `stage`. */
  onMove(deal: Deal, stage: Stage): void;
}

// The drag's data type: only cards of this board are dropped on its columns.
const DRAG_TYPE = 'application/x-relata-opportunity';

function stageMenu(deal: Deal, stages: readonly Stage[], handlers: BoardHandlers): HTMLSelectElement {
  const menu = h(
    'select',
    { class: 'stage-menu', 'aria-label': `Stage of ${deal.name}` },
    ...stages.map((stage) => h('option', { value: stage.value, selected: stage.value === deal.stage }, stage.label)),
  );
  menu.addEventListener('change', () => {
    const stage = stages.find((s) => s.value === menu.value);
    if (stage) handlers.onMove(deal, stage);
  });
  return menu;
}

function card(deal: Deal, stages: readonly Stage[], handlers: BoardHandlers): HTMLElement {
  const element = h(
    'article',
    { class: 'card', draggable: 'true', 'data-testid': 'opportunity', 'data-id': deal.id, 'aria-label': deal.name },
    h('h3', { class: 'card-name' }, deal.name),
    h('p', { class: 'card-company' }, deal.companyName ?? 'No company'),
    h('p', { class: 'card-amount' }, deal.amount ? formatMoney(deal.amount) : 'No amount'),
    stageMenu(deal, stages, handlers),
  );
  element.addEventListener('dragstart', (event) => {
    event.dataTransfer?.setData(DRAG_TYPE, deal.id);
    if (event.dataTransfer) event.dataTransfer.effectAllowed = 'move';
    element.classList.add('dragging');
  });
  element.addEventListener('dragend', () => element.classList.remove('dragging'));
  return element;
}

function column(stage: Stage, deals: readonly Deal[], pipeline: Pipeline, byId: Map<string, Deal>, handlers: BoardHandlers): HTMLElement {
  const open = stage.outcome === 'open';
  const header = h(
    'header',
    { class: 'column-header' },
    h('h2', {}, stage.label),
    h('span', { class: 'probability', title: 'Win probability' }, `${stage.probability}%`),
  );
  const summary = open
    ? h(
        'p',
        { class: 'column-summary' },
        h('span', { class: 'column-total', 'data-testid': 'column-total' }, formatTotals(totalsByCurrency(deals.map((d) => d.amount)))),
        h('span', { class: 'column-count', 'data-testid': 'column-count' }, `${deals.length} ${deals.length === 1 ? 'deal' : 'deals'}`),
      )
    : h('p', { class: 'column-summary closed-hint' }, `Drop a deal here to close it as ${stage.outcome}`);
  const element = h(
    'section',
    { class: `column${open ? '' : ` closed ${stage.outcome}`}`, 'data-testid': 'stage-column', 'data-stage': stage.value, 'aria-label': stage.label },
    header,
    summary,
    h('div', { class: 'cards' }, ...deals.map((deal) => card(deal, pipeline.stages, handlers))),
  );
  element.addEventListener('dragover', (event) => {
    if (!event.dataTransfer?.types.includes(DRAG_TYPE)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'move';
    element.classList.add('drop-target');
  });
  element.addEventListener('dragleave', (event) => {
    if (!element.contains(event.relatedTarget as Node | null)) element.classList.remove('drop-target');
  });
  element.addEventListener('drop', (event) => {
    element.classList.remove('drop-target');
    const deal = byId.get(event.dataTransfer?.getData(DRAG_TYPE) ?? '');
    if (!deal) return;
    event.preventDefault();
    if (deal.stage !== stage.value) handlers.onMove(deal, stage);
  });
  return element;
}

/** Draws the board of `pipeline` with `deals` into `container`, replacing what was there. */
export function renderBoard(container: HTMLElement, pipeline: Pipeline, deals: readonly Deal[], handlers: BoardHandlers): void {
  const byId = new Map(deals.map((deal) => [deal.id, deal]));
  const columns = pipeline.stages.map((stage) =>
    column(
      stage,
      deals.filter((deal) => deal.stage === stage.value),
      pipeline,
      byId,
      handlers,
    ),
  );
  container.replaceChildren(...columns);
}

/** The change-events section of the benchmark report (report.ts renders the rest). */
import { EVENTS_GOAL_P99_MS, type EventsBenchResult, type WebhookBenchResult } from './events.ts';
import { rate, row } from './report-markdown.ts';

/** The events results of a run. */
export interface EventsResults {
  subscriptions: EventsBenchResult;
  webhooks: WebhookBenchResult;
}

/** The subscription goal: p99 commit-to-delivery under 200 ms, and no event lost. */
export function eventsGoal(r: EventsResults) {
  const latencyOk = r.subscriptions.p99Ms < EVENTS_GOAL_P99_MS;
  const complete = r.subscriptions.lost === 0 && r.webhooks.lost === 0 && r.webhooks.inOrder;
  return { latencyOk, complete, pass: latencyOk && complete };
}

/** The events section. */
export function eventsSection(r: EventsResults): string[] {
  const s = r.subscriptions;
  const w = r.webhooks;
  const g = eventsGoal(r);
  return [
    '## Change events',
    '',
    `**Subscriptions.** ${rate(s.subscribers)} graphql-ws subscribers (one WebSocket each) over ${rate(s.workspaces)} workspaces ` +
      `(${s.subscribers / s.workspaces} per workspace, each subscribed to \`ticketEvents(kinds: [CREATED]) { recordId at record { title } }\` with the workspace's key), ` +
      `while ${s.writesPerSecond} tickets a second are created through GraphQL over HTTP for ${s.seconds} s, round-robin over the workspaces: ` +
      `every event goes to the ${s.subscribers / s.workspaces} subscribers of its workspace, ${rate(s.deliveriesPerSecond)} deliveries a second. ` +
      'The server is a `relata start` process of its own on the bench\'s PostgreSQL; the subscribers and the writer run in the bench\'s process. ' +
      'Latency of a delivery: when the subscriber received it, minus the event\'s `at` (the transaction\'s timestamp, taken just before the write commits), on this machine\'s clock. ' +
      'Every subscriber is checked to receive every event of its workspace and none of another.',
    '',
    row(['Subscribers', 'Writes/s', 'Events', 'Deliveries (received / expected)', 'p50 (ms)', 'p99 (ms)', 'max (ms)', `p99 < ${EVENTS_GOAL_P99_MS} ms, none lost`]),
    row(['---:', '---:', '---:', '---:', '---:', '---:', '---:', '---']),
    row([
      rate(s.subscribers),
      String(s.writesPerSecond),
      rate(s.events),
      `${rate(s.deliveries)} / ${rate(s.expectedDeliveries)}`,
      String(s.p50Ms),
      `**${s.p99Ms}**`,
      String(s.maxMs),
      g.latencyOk && s.lost === 0 ? 'PASS' : 'MISS',
    ]),
    '',
    `**Webhooks.** ${rate(w.events)} ticket events (created in bulk calls of 1,000 through the engine) to one webhook whose receiver, on loopback, answers 200 at once; ` +
      'delivered by a worker as `relata start` runs it (8 deliveries at a time, batches of up to 100 events, one unfinished batch per webhook). ' +
      `From the first write until the receiver held every event: ${w.seconds.toFixed(1)} s, **${rate(w.eventsPerSecond)} events/s**, in ${rate(w.batches)} batches; ` +
      `${w.lost === 0 ? 'none lost' : `${rate(w.lost)} lost`}, ${w.inOrder ? 'in log order' : 'OUT OF ORDER'}.`,
    '',
  ];
}

/** `relata webhook ...`: creates, lists, changes, deletes and replays webhooks, and shows their deliveries. */
import type { Webhook, WebhookDelivery } from '@relata/core';
import { Command } from 'commander';
import { requireWorkspace } from './api-key.ts';
import { ENVIRONMENT_HELP, loadCore, printJson, requireUuids, withEngine } from './common.ts';

const iso = (date: Date | null) => date?.toISOString() ?? null;
const list = (value: string) => value.split(',').map((item) => item.trim()).filter(Boolean);

/** A webhook as --json prints it; the secret only when asked for. */
function webhookJson(webhook: Webhook, withSecret = false) {
  return {
    id: webhook.id,
    workspaceId: webhook.workspaceId,
    url: webhook.url,
    types: webhook.types,
    kinds: webhook.kinds,
    active: webhook.active,
    state: webhook.state,
    failingSince: iso(webhook.failingSince),
    createdAt: iso(webhook.createdAt),
    updatedAt: iso(webhook.updatedAt),
    ...(withSecret ? { secret: webhook.secret } : {}),
  };
}

function deliveryJson(delivery: WebhookDelivery) {
  return {
    id: delivery.id,
    status: delivery.status,
    attempts: delivery.attempts,
    eventCount: delivery.eventCount,
    firstCursor: delivery.firstCursor,
    lastCursor: delivery.lastCursor,
    createdAt: iso(delivery.createdAt),
    nextAttemptAt: iso(delivery.nextAttemptAt),
    completedAt: iso(delivery.completedAt),
    attemptLog: delivery.attemptLog.map((a) => ({ ...a, startedAt: iso(a.startedAt) })),
  };
}

/** Prints rows as a table whose last column is not padded. */
function printTable(rows: string[][]): void {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const row of rows) console.log(row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  '));
}

const describeState = (w: Webhook) => (w.state === 'failing' ? 'failing' : w.active ? 'active' : 'paused');
const describeFilter = (values: readonly string[]) => (values.length ? values.join(',') : 'all');

function printWebhook(verb: string, webhook: Webhook, secret: boolean): void {
  console.log(`${verb} webhook ${webhook.id} in workspace ${webhook.workspaceId} (${describeState(webhook)}).`);
  console.log(`  URL:      ${webhook.url}`);
  console.log(`  Types:    ${describeFilter(webhook.types)}`);
  console.log(`  Kinds:    ${describeFilter(webhook.kinds)}`);
  if (secret) {
    console.log(`  Secret:   ${webhook.secret}`);
    console.log('');
    console.log('Deliveries are signed with the secret: verify them with verifyWebhook from @relata/sdk (docs/webhooks.md).');
  }
}

interface UpdateOptions {
  workspace: string;
  url?: string;
  types?: string;
  allTypes?: boolean;
  kinds?: string;
  allKinds?: boolean;
  secret?: string;
  newSecret?: boolean;
  active?: boolean;
  json?: boolean;
}

/** The `webhook` command group. */
export function webhookCommand(): Command {
  const group = new Command('webhook').description("manage webhooks: URLs that receive a workspace's record events");

  group
    .command('create')
    .description('create a webhook; it receives the events committed from now on')
    .requiredOption('--workspace <workspaceId>', 'id of the workspace')
    .requiredOption('--url <url>', 'where deliveries are POSTed (http or https)')
    .option('--types <apiNames>', 'comma-separated record types (default: every type)')
    .option('--kinds <kinds>', 'comma-separated event kinds: CREATED, UPDATED, DELETED, RESTORED, DESTROYED (default: every kind)')
    .option('--secret <secret>', 'the signing secret, 24 to 256 printable characters (default: a generated whsec_... secret)')
    .option('--inactive', 'create it paused')
    .option('--json', 'print the webhook, its secret included, as JSON on stdout')
    .addHelpText('after', ENVIRONMENT_HELP)
    .action(async (options: { workspace: string; url: string; types?: string; kinds?: string; secret?: string; inactive?: boolean; json?: boolean }) => {
      await requireUuids({ workspace: options.workspace });
      await withEngine(async (engine) => {
        await requireWorkspace(engine, options.workspace);
        const { systemActor } = await loadCore();
        const webhook = await engine.webhooks.createWebhook(systemActor(options.workspace), {
          url: options.url,
          types: options.types === undefined ? null : list(options.types),
          kinds: options.kinds === undefined ? null : list(options.kinds).map((k) => k.toUpperCase()),
          secret: options.secret ?? null,
          active: !options.inactive,
        });
        if (options.json) return printJson(webhookJson(webhook, true));
        printWebhook('Created', webhook, true);
      });
    });

  group
    .command('list')
    .description("list a workspace's webhooks, oldest first (without their secrets)")
    .requiredOption('--workspace <workspaceId>', 'id of the workspace')
    .option('--json', 'print the webhooks as a JSON array on stdout')
    .addHelpText('after', ENVIRONMENT_HELP)
    .action(async (options: { workspace: string; json?: boolean }) => {
      await requireUuids({ workspace: options.workspace });
      await withEngine(async (engine) => {
        await requireWorkspace(engine, options.workspace);
        const { systemActor } = await loadCore();
        const webhooks = await engine.webhooks.findWebhooks(systemActor(options.workspace));
        if (options.json) return printJson(webhooks.map((w) => webhookJson(w)));
        if (webhooks.length === 0) {
          console.log(`Workspace ${options.workspace} has no webhooks. Create one with: npx relata webhook create --workspace ${options.workspace} --url <url>`);
          return;
        }
        printTable([
          ['ID', 'STATE', 'TYPES', 'KINDS', 'URL'],
          ...webhooks.map((w) => [w.id, describeState(w), describeFilter(w.types), describeFilter(w.kinds), w.url]),
        ]);
      });
    });

  group
    .command('update')
    .description('change a webhook (a failing one stays failing: replay it)')
    .argument('<id>', 'id of the webhook')
    .requiredOption('--workspace <workspaceId>', 'id of the workspace')
    .option('--url <url>', 'a new URL')
    .option('--types <apiNames>', 'comma-separated record types')
    .option('--all-types', 'receive every type again')
    .option('--kinds <kinds>', 'comma-separated event kinds')
    .option('--all-kinds', 'receive every kind again')
    .option('--secret <secret>', 'a new signing secret')
    .option('--new-secret', 'generate a new signing secret (printed)')
    .option('--active', 'resume it')
    .option('--inactive', 'pause it (its events wait for it)')
    .option('--json', 'print the webhook as JSON on stdout (its secret too when it changed)')
    .addHelpText('after', ENVIRONMENT_HELP)
    .action(async (id: string, options: UpdateOptions & { inactive?: boolean }) => {
      await requireUuids({ id, workspace: options.workspace });
      await withEngine(async (engine) => {
        const { generateWebhookSecret, systemActor } = await loadCore();
        const secret = options.newSecret ? generateWebhookSecret() : options.secret;
        const webhook = await engine.webhooks.updateWebhook(systemActor(options.workspace), id, {
          ...(options.url !== undefined ? { url: options.url } : {}),
          ...(options.allTypes ? { types: null } : options.types !== undefined ? { types: list(options.types) } : {}),
          ...(options.allKinds ? { kinds: null } : options.kinds !== undefined ? { kinds: list(options.kinds).map((k) => k.toUpperCase()) } : {}),
          ...(secret !== undefined ? { secret } : {}),
          ...(options.inactive ? { active: false } : options.active ? { active: true } : {}),
        });
        if (options.json) return printJson(webhookJson(webhook, secret !== undefined));
        printWebhook('Updated', webhook, secret !== undefined);
      });
    });

  group
    .command('delete')
    .description('delete a webhook with its deliveries')
    .argument('<id>', 'id of the webhook')
    .requiredOption('--workspace <workspaceId>', 'id of the workspace')
    .addHelpText('after', ENVIRONMENT_HELP)
    .action(async (id: string, options: { workspace: string }) => {
      await requireUuids({ id, workspace: options.workspace });
      await withEngine(async (engine) => {
        const { systemActor } = await loadCore();
        await engine.webhooks.deleteWebhook(systemActor(options.workspace), id);
        console.log(`Deleted webhook ${id} of workspace ${options.workspace}.`);
      });
    });

  group
    .command('replay')
    .description('deliver again and reactivate: every event after --after, or (without it) from the batch that failed')
    .argument('<id>', 'id of the webhook')
    .requiredOption('--workspace <workspaceId>', 'id of the workspace')
    .option('--after <cursor>', "an event cursor (e.g. a delivery's lastCursor) within the replay window")
    .option('--json', 'print the webhook as JSON on stdout')
    .addHelpText('after', ENVIRONMENT_HELP)
    .action(async (id: string, options: { workspace: string; after?: string; json?: boolean }) => {
      await requireUuids({ id, workspace: options.workspace });
      await withEngine(async (engine) => {
        const { systemActor } = await loadCore();
        const webhook = await engine.webhooks.replayWebhook(systemActor(options.workspace), id, options.after ?? null);
        if (options.json) return printJson(webhookJson(webhook));
        console.log(
          options.after
            ? `Webhook ${id} will receive every event after ${options.after} again.`
            : `Webhook ${id} is active again; it resumes where it stopped.`,
        );
      });
    });

  group
    .command('deliveries')
    .description("show a webhook's deliveries, newest first, with every attempt")
    .argument('<webhookId>', 'id of the webhook')
    .requiredOption('--workspace <workspaceId>', 'id of the workspace')
    .option('--first <n>', 'how many (at most 100)', '20')
    .option('--after <cursor>', 'the cursor printed after the previous page')
    .option('--json', 'print {"deliveries", "endCursor", "hasNextPage"} as JSON on stdout')
    .addHelpText('after', ENVIRONMENT_HELP)
    .action(async (webhookId: string, options: { workspace: string; first: string; after?: string; json?: boolean }) => {
      await requireUuids({ webhookId, workspace: options.workspace });
      await withEngine(async (engine) => {
        const { systemActor } = await loadCore();
        const page = await engine.webhooks.findDeliveries(systemActor(options.workspace), webhookId, {
          first: Number(options.first),
          after: options.after ?? null,
        });
        const deliveries = page.edges.map((e) => e.node);
        if (options.json) {
          return printJson({ deliveries: deliveries.map(deliveryJson), endCursor: page.pageInfo.endCursor, hasNextPage: page.pageInfo.hasNextPage });
        }
        if (deliveries.length === 0) return console.log(`Webhook ${webhookId} has no deliveries${options.after ? ' after this cursor' : ''}.`);
        printTable([
          ['ID', 'STATUS', 'EVENTS', 'ATTEMPTS', 'LAST ANSWER', 'CREATED'],
          ...deliveries.map((d) => {
            const last = d.attemptLog[d.attemptLog.length - 1];
            const answer = last ? (last.statusCode !== null ? `HTTP ${last.statusCode} in ${last.durationMs} ms` : (last.error ?? '')) : '';
            return [d.id, d.status, String(d.eventCount), String(d.attempts), answer, iso(d.createdAt)!];
          }),
        ]);
        if (page.pageInfo.hasNextPage) console.log(`\nOlder deliveries: --after ${page.pageInfo.endCursor}`);
      });
    });

  return group;
}

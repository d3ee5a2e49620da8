/**
 * What an admin may set on a webhook, validated all at once: the URL (http or
 * https, no credentials, no private address unless allowed), the record types
 * (apiNames of the workspace's types) and event kinds it receives, its secret
 * and whether it is active.
 */
import { EVENT_KINDS, type EventKind } from '../events/event-view.ts';
import { FieldErrorCollector } from '../errors.ts';
import type { WorkspaceMetadata } from '../metadata/workspace-metadata.ts';
import { hostOf, isPrivateHost } from './webhook-address.ts';

/** Input of createWebhook. */
export interface WebhookInput {
  /** Where deliveries are POSTed: an http or https URL. */
  url: string;
  /** Record type apiNames; every type when omitted or null. */
  types?: readonly string[] | null;
  /** Event kinds (CREATED, UPDATED, DELETED, RESTORED, DESTROYED); every kind when omitted or null. */
  kinds?: readonly string[] | null;
  /** Signs deliveries, 24 to 256 printable characters; generated (`whsec_...`) when omitted or null. */
  secret?: string | null;
  /** False creates it paused. @default true */
  active?: boolean | null;
}

/** Input of updateWebhook: omitted fields stay; `types` or `kinds` null means every one again. */
export interface WebhookUpdate {
  /** A new URL; null is refused like an empty one. */
  url?: string | null;
  types?: readonly string[] | null;
  kinds?: readonly string[] | null;
  /** A new secret (deliveries are signed with it from the next attempt on); omitted or null keeps the current one. */
  secret?: string | null;
  active?: boolean | null;
}

/** Validated settings; absent keys are not being set. */
export interface WebhookSettings {
  url?: string;
  types?: string[];
  kinds?: EventKind[];
  secret?: string;
  active?: boolean;
}

/** What validation needs to know. */
export interface WebhookInputContext {
  metadata: WorkspaceMetadata;
  allowPrivateAddresses: boolean;
}

/** Longest URL accepted. */
export const MAX_WEBHOOK_URL_LENGTH = 2048;
const SECRET = /^[\x21-\x7e]{24,256}$/;

function checkUrl(value: unknown, allowPrivate: boolean, errors: FieldErrorCollector): string | undefined {
  const text = typeof value === 'string' ? value.trim() : '';
  if (!text) return void errors.add('url', 'REQUIRED', 'is required');
  if (text.length > MAX_WEBHOOK_URL_LENGTH) return void errors.add('url', 'TOO_LONG', `must be at most ${MAX_WEBHOOK_URL_LENGTH} characters`);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return void errors.add('url', 'INVALID_FORMAT', 'must be an absolute http or https URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return void errors.add('url', 'INVALID_FORMAT', 'must be an http or https URL');
  if (url.username || url.password) return void errors.add('url', 'INVALID_FORMAT', 'must not carry credentials: verify deliveries by their signature');
  if (!allowPrivate && isPrivateHost(hostOf(url))) {
    return void errors.add('url', 'PRIVATE_ADDRESS', 'must not name a private or local address (RELATA_WEBHOOK_ALLOW_PRIVATE is off)');
  }
  return url.toString();
}

function checkList<T extends string>(field: string, value: unknown, errors: FieldErrorCollector, check: (item: string) => string | null): T[] | undefined {
  if (value === null) return [];
  if (!Array.isArray(value)) return void errors.add(field, 'INVALID_VALUE', 'must be a list');
  if (value.length === 0) return void errors.add(field, 'EMPTY', `must name at least one; omit ${field} (or pass null) for every one`);
  const out: T[] = [];
  value.forEach((item: unknown, i) => {
    const problem = typeof item === 'string' ? check(item) : 'must be a string';
    if (problem) errors.add(`${field}.${i}`, typeof item === 'string' ? 'UNKNOWN_VALUE' : 'INVALID_VALUE', problem);
    else if (!out.includes(item as T)) out.push(item as T);
  });
  return out;
}

/**
 * Validates `input` (a create when `create`, else an update), reporting every
 * problem in one VALIDATION_FAILED. `types` must name record types of the workspace.
 */
export function validateWebhookInput(input: WebhookInput | WebhookUpdate, create: boolean, context: WebhookInputContext): WebhookSettings {
  const errors = new FieldErrorCollector();
  const settings: WebhookSettings = {};
  if (create || input.url !== undefined) settings.url = checkUrl(input.url, context.allowPrivateAddresses, errors);
  if (input.types !== undefined) {
    settings.types = checkList('types', input.types, errors, (name) =>
      context.metadata.find(name) ? null : `"${name}" is not a record type of this workspace`,
    );
    if (settings.types && !errors.hasErrors) settings.types.sort();
  }
  if (input.kinds !== undefined) {
    const kinds = checkList<EventKind>('kinds', input.kinds, errors, (kind) =>
      (EVENT_KINDS as readonly string[]).includes(kind) ? null : `must be one of ${EVENT_KINDS.join(', ')}`,
    );
    settings.kinds = kinds && EVENT_KINDS.filter((kind) => kinds.includes(kind));
  }
  if (input.secret !== undefined && input.secret !== null) {
    if (typeof input.secret !== 'string' || !SECRET.test(input.secret)) {
      errors.add('secret', 'INVALID_FORMAT', 'must be 24 to 256 printable characters, without spaces');
    } else {
      settings.secret = input.secret;
    }
  }
  if (input.active !== undefined && input.active !== null) {
    if (typeof input.active !== 'boolean') errors.add('active', 'INVALID_VALUE', 'must be true or false');
    else settings.active = input.active;
  }
  errors.throwIfAny();
  return settings;
}

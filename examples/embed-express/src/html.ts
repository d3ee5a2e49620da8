/**
 * The app's pages, rendered on the server as plain HTML strings. Everything that
 * comes from a user or from the CRM goes through `escapeHtml` (the `html` tag
 * does it for every interpolated value), so a note reading `<script>` shows as
 * text. The pages carry no script at all, and the app's Content-Security-Policy
 * forbids any.
 */
import type { Timeline, TimelineItem } from './timeline.ts';
import type { AppUser, CustomerAccount } from './users.ts';

/** Escapes the five characters HTML gives a meaning, for text and quoted attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value ?? '')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/** HTML built by the `html` tag: interpolating it again does not escape it twice. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

/** A template tag that escapes every value, except SafeHtml (and arrays of it) made by `html` itself. */
export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  const render = (value: unknown): string =>
    value instanceof SafeHtml ? value.value : Array.isArray(value) ? value.map(render).join('') : escapeHtml(value);
  return new SafeHtml(strings.reduce((out, text, i) => out + text + (i < values.length ? render(values[i]) : ''), ''));
}

/** The Content-Security-Policy of every page: no scripts, no outside resources, inline styles only. */
export const CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

const STYLE = `
body { font: 15px/1.5 system-ui, sans-serif; margin: 0; color: #1d2433; background: #f5f6f8; }
header { background: #1d2433; color: #fff; padding: 12px 24px; display: flex; justify-content: space-between; align-items: center; }
header form { margin: 0; }
main { max-width: 760px; margin: 24px auto; padding: 0 16px; }
ol.timeline { list-style: none; padding: 0; }
ol.timeline li { background: #fff; border-radius: 8px; padding: 12px 16px; margin: 0 0 12px; box-shadow: 0 1px 2px #0002; }
.kind { font-size: 12px; text-transform: uppercase; letter-spacing: .05em; color: #5b6478; }
.facts { color: #5b6478; font-size: 13px; }
.text { white-space: pre-wrap; margin: 6px 0 0; }
.error { background: #fde8e8; padding: 12px 16px; border-radius: 8px; }
label { display: block; margin: 8px 0; }
`;

function page(title: string, body: SafeHtml, user?: AppUser): string {
  const signedIn = user
    ? html`<form method="post" action="/logout">${user.name} <button type="submit">Sign out</button></form>`
    : html``;
  return html`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${title}</title><style>${new SafeHtml(STYLE)}</style></head>
<body><header><strong>Customer portal</strong>${signedIn}</header><main>${body}</main></body>
</html>`.value;
}

/** The sign-in form; `hint` lists the demo users. */
export function loginPage(options: { error?: string; email?: string; hint?: readonly string[] } = {}): string {
  const error = options.error ? html`<p class="error">${options.error}</p>` : html``;
  const hint = options.hint?.length ? html`<p>Demo users:</p><ul>${options.hint.map((line) => html`<li><code>${line}</code></li>`)}</ul>` : html``;
  return page(
    'Sign in',
    html`<h1>Sign in</h1>${error}
<form method="post" action="/login">
<label>Email <input name="email" type="email" value="${options.email ?? ''}" required></label>
<label>Password <input name="password" type="password" required></label>
<button type="submit">Sign in</button>
</form>${hint}`,
  );
}

const KIND_LABELS: Record<TimelineItem['kind'], string> = { note: 'Note', call: 'Call', meeting: 'Meeting', emailLog: 'Email', task: 'Task' };

function item(entry: TimelineItem): SafeHtml {
  const facts = entry.facts.length ? html`<div class="facts">${entry.facts.join(' · ')}</div>` : html``;
  const text = entry.text ? html`<p class="text">${entry.text}</p>` : html``;
  return html`<li data-kind="${entry.kind}" data-id="${entry.id}">
<div class="kind">${KIND_LABELS[entry.kind]} · <time datetime="${entry.at}">${entry.at.replace('T', ' ').slice(0, 16)} UTC</time></div>
<strong class="title">${entry.title}</strong>${facts}${text}
</li>`;
}

/** The account's timeline. */
export function timelinePage(user: AppUser, account: CustomerAccount, timeline: Timeline): string {
  const items = timeline.items.length ? html`<ol class="timeline">${timeline.items.map(item)}</ol>` : html`<p>No activities yet.</p>`;
  const more = timeline.more ? html`<p>Older activities are not shown.</p>` : html``;
  return page(
    `${account.name}: timeline`,
    html`<h1>${timeline.company.name}</h1>
<p>Your account's history with us: notes, calls, meetings, emails and tasks, newest first.</p>
${items}${more}`,
    user,
  );
}

/** A page saying what went wrong, without internals. */
export function errorPage(title: string, message: string, user?: AppUser): string {
  return page(title, html`<h1>${title}</h1><p class="error">${message}</p>`, user);
}

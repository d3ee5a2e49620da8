/**
 * Demo data: a customer account's company in the CRM of the account's own
 * workspace, with notes, calls, meetings, logged emails and tasks linked to it.
 * Written with the records API, as any integration would; a company already
 * there (same domain) is left as it is, so running the demo twice against one
 * server adds nothing.
 */
import type { CrmClient } from './timeline.ts';

const DAY = 24 * 60 * 60 * 1000;

/** `days` from now (negative: in the past), ISO-8601. */
function daysFromNow(days: number, now: number): string {
  return new Date(now + days * DAY).toISOString();
}

/** The company of `domain`, or undefined. */
export async function findCompany(client: CrmClient, domain: string): Promise<{ id: string; name: string } | undefined> {
  const { records } = await client.records('company').list({ filter: { domain: { eq: domain } }, first: 1 });
  return records[0];
}

async function seedAcme(client: CrmClient, now: number): Promise<string> {
  const company = await client.records('company').create({ name: 'Acme Corp', domain: 'acme.example', industry: 'Manufacturing', employees: 420 });
  const ids = [
    ...(await client.records('emailLog').createMany([
      { subject: 'Welcome to the platform', direction: 'outbound', fromAddress: 'success@vendor.example', toAddresses: 'alice@acme.example', sentAt: daysFromNow(-30, now), body: 'Here is everything you need to get started.' },
      { subject: 'Renewal quote for 2027', direction: 'outbound', fromAddress: 'sales@vendor.example', toAddresses: 'alice@acme.example', sentAt: daysFromNow(-1, now), body: 'Attached: the quote we discussed, valid until the end of the month.' },
    ])),
    ...(await client.records('call').createMany([
      { subject: 'Onboarding check-in', direction: 'outbound', status: 'completed', calledAt: daysFromNow(-6, now), durationMinutes: 25, notes: 'Import finished; two admins trained.' },
    ])),
    ...(await client.records('meeting').createMany([
      { subject: 'Quarterly business review', startAt: daysFromNow(-3, now), endAt: daysFromNow(-3 + 1 / 24, now), location: 'Acme HQ, Springfield', status: 'completed', notes: 'Usage up 40%. Wants SSO next quarter.' },
    ])),
    ...(await client.records('note').createMany([{ title: 'Champion changed roles', body: 'Alice now leads procurement; Adam is the new day-to-day contact.' }])),
    ...(await client.records('task').createMany([{ title: 'Send the signed renewal', status: 'inProgress', priority: 'high', dueAt: daysFromNow(7, now) }])),
  ].map((activity) => activity.id);
  await client.records('activityTarget').createMany(ids.map((activityId) => ({ activityId, targetId: company.id })));
  return company.id;
}

async function seedGlobex(client: CrmClient, now: number): Promise<string> {
  const company = await client.records('company').create({ name: 'Globex', domain: 'globex.example', industry: 'Energy', employees: 1800 });
  const ids = [
    ...(await client.records('emailLog').createMany([
      { subject: 'Invoice 2026-11', direction: 'outbound', fromAddress: 'billing@vendor.example', toAddresses: 'gina@globex.example', sentAt: daysFromNow(-4, now), body: 'Your invoice for November.' },
    ])),
    ...(await client.records('call').createMany([
      { subject: 'Support escalation follow-up', direction: 'inbound', status: 'completed', calledAt: daysFromNow(-2, now), durationMinutes: 12, notes: 'Sync delays fixed by the patch.' },
    ])),
    ...(await client.records('meeting').createMany([{ subject: 'Migration planning', startAt: daysFromNow(-9, now), location: 'Video call', status: 'completed' }])),
    ...(await client.records('note').createMany([{ title: 'Communication', body: 'Gina prefers email over phone calls.' }])),
    ...(await client.records('task').createMany([{ title: 'Schedule the training session', status: 'notStarted', priority: 'normal', dueAt: daysFromNow(14, now) }])),
  ].map((activity) => activity.id);
  await client.records('activityTarget').createMany(ids.map((activityId) => ({ activityId, targetId: company.id })));
  return company.id;
}

const SEEDS: Record<string, (client: CrmClient, now: number) => Promise<string>> = {
  'acme.example': seedAcme,
  'globex.example': seedGlobex,
};

/**
 * The company id of a demo account's domain (`acme.example` or `globex.example`)
 * in the workspace `client` acts in: found, or created with its activities.
 * `client` must be allowed to create records.
 */
export async function seedDemoCompany(client: CrmClient, domain: string, now = Date.now()): Promise<string> {
  const seed = SEEDS[domain];
  if (!seed) throw new Error(`No demo data for ${domain}; there is for ${Object.keys(SEEDS).join(', ')}`);
  return (await findCompany(client, domain))?.id ?? (await seed(client, now));
}

/** Setup shared by search.test.ts and search-pages.test.ts: two workspaces seeded alike. */
import type { Actor } from '../src/access/actor.ts';
import type { Engine } from '../src/engine.ts';
import type { RecordScope } from '../src/records/record-service.ts';
import { createTestEngine } from '../src/testing/index.ts';

/** The record types of a CRM-ish workspace, and its records by name. */
async function seed(engine: Engine, actor: Actor) {
  const { metadata, records } = engine;
  await metadata.createObjectType(actor, { apiName: 'company', pluralApiName: 'companies' });
  await metadata.createField(actor, 'company', { apiName: 'name', type: 'TEXT', searchable: true });
  await metadata.createField(actor, 'company', { apiName: 'domain', type: 'URL', searchable: true });
  await metadata.createField(actor, 'company', { apiName: 'notes', type: 'LONG_TEXT' });
  await metadata.createObjectType(actor, { apiName: 'person', pluralApiName: 'people' });
  await metadata.createField(actor, 'person', { apiName: 'name', type: 'TEXT', searchable: true });
  await metadata.createField(actor, 'person', { apiName: 'email', type: 'EMAIL', searchable: true });
  await metadata.createField(actor, 'person', { apiName: 'bio', type: 'LONG_TEXT' });
  // A type without searchable fields: never searched.
  await metadata.createObjectType(actor, { apiName: 'task', pluralApiName: 'tasks' });
  await metadata.createField(actor, 'task', { apiName: 'title', type: 'TEXT' });
  await metadata.createObjectType(actor, { apiName: 'item', pluralApiName: 'items' });
  await metadata.createField(actor, 'item', { apiName: 'label', type: 'TEXT', searchable: true });

  const scope: RecordScope = { actor, metadata: await metadata.snapshot(actor.workspaceId) };
  const create = async (type: string, input: Record<string, unknown>) => (await records.create(scope, type, input)).id;
  const ids = {
    acme: await create('company', { name: 'Acme', domain: 'https://acme.com', notes: 'zebra crossing' }),
    acmeRockets: await create('company', { name: 'Acme Rockets' }),
    acmeville: await create('company', { name: 'Acmeville' }),
    globex: await create('company', { name: 'Globex', domain: 'https://www.globex.com/about' }),
    umbrella: await create('company', { name: 'Umbrella Corporation' }),
    gone: await create('company', { name: 'Acme Gone' }),
    ann: await create('person', { name: 'Ann Lee', email: 'ann@acme.com', bio: 'zebra' }),
    annabel: await create('person', { name: 'Annabel Stone', email: 'annabel@globex.com' }),
    task: await create('task', { title: 'Call Acme' }),
  };
  await records.delete(scope, 'company', ids.gone);
  // 25 items for paging, with repeated words (higher scores) and ties.
  const items: string[] = [];
  for (let i = 0; i < 25; i++) {
    const label = i % 5 === 0 ? `Paging paging paging ${i}` : i % 3 === 0 ? `Paging paging ${i}` : `Paging ${i}`;
    items.push(await create('item', { label }));
  }
  return { scope, ids, items };
}

export type SearchWorkspace = Awaited<ReturnType<typeof seed>>;

/** A test engine with workspace A, and another workspace B with the very same types and records. */
export async function openSearchWorkspaces(): Promise<{ engine: Engine; a: SearchWorkspace; b: SearchWorkspace }> {
  const t = await createTestEngine();
  const engine = t.engine;
  const a = await seed(engine, (await t.workspace('A')).actor);
  const b = await seed(engine, (await t.workspace('B')).actor);
  return { engine, a, b };
}

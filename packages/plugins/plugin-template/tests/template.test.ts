/**
 * The template plugin through GraphQL, each part in a few lines: copy this file
 * with the plugin. The testkit starts a real server on a fresh database with the
 * plugin installed in a workspace; `gql` sends GraphQL with its admin API key.
 */
import { createTestServer } from '@relata/sdk/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import template from '../src/index.ts';

type Server = Awaited<ReturnType<typeof createTestServer>>;
interface GraphQLError {
  message: string;
  extensions?: { code?: string; reason?: string; fields?: Array<{ field: string; code: string }> };
}
interface Item {
  id: string;
  name: string;
  slug: string;
  pinned: boolean;
  announcedAt: string | null;
}
const ITEM = 'id name slug pinned announcedAt';

describe('plugin template', () => {
  let server: Server;
  beforeAll(async () => {
    server = await createTestServer({ plugins: [template] });
  });
  afterAll(() => server?.close());

  /** The data of a request that must succeed. */
  async function data<T>(query: string, variables?: Record<string, unknown>): Promise<T> {
    const res = (await server.gql(query, variables)) as { data?: T; errors?: GraphQLError[] };
    expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
    return res.data!;
  }
  /** The error of a request that must fail. */
  async function failure(query: string, variables?: Record<string, unknown>): Promise<GraphQLError> {
    const res = (await server.gql(query, variables)) as { errors?: GraphQLError[] };
    expect(res.errors, 'the request should fail').toHaveLength(1);
    return res.errors![0]!;
  }
  const create = async (input: Record<string, unknown>) =>
    (await data<{ createItem: Item }>(`mutation($input: ItemCreateInput!) { createItem(input: $input) { ${ITEM} } }`, { input })).createItem;
  const get = async (id: string) => (await data<{ item: Item | null }>(`query($id: ID!) { item(id: $id) { ${ITEM} } }`, { id })).item;
  const pinned = async () => (await data<{ pinnedItem: Item | null }>(`{ pinnedItem { ${ITEM} } }`)).pinnedItem;

  it('migration: a new workspace starts with a pinned "Welcome" item (read with the GraphQL extension)', async () => {
    expect(await pinned()).toMatchObject({ name: 'Welcome', slug: 'welcome', pinned: true });
  });

  it('beforeValidate trims the name; beforeChange stamps the slug', async () => {
    const item = await create({ name: '  Hello,   World! ' });
    expect(item).toMatchObject({ name: 'Hello, World!', slug: 'hello-world' });
  });

  it('validate refuses a name without a letter or digit, and a slug set by the caller; nothing is written', async () => {
    const error = await failure('mutation { createItem(input: { name: "?!", slug: "mine" }) { id } }');
    expect(error.extensions?.code).toBe('VALIDATION_FAILED');
    expect(error.extensions?.fields?.map((f) => [f.field, f.code])).toEqual([
      ['input.name', 'INVALID_NAME'],
      ['input.slug', 'READ_ONLY'],
    ]);
    expect((await data<{ items: { totalCount: number } }>('{ items(filter: { name: { eq: "?!" } }) { totalCount } }')).items.totalCount).toBe(0);
  });

  it('afterChange keeps one item pinned (pinItem, the GraphQL mutation, updates through the hooks)', async () => {
    const first = await create({ name: 'First', pinned: true });
    const second = await create({ name: 'Second' });
    await data('mutation($id: ID!) { pinItem(id: $id) { id } }', { id: second.id });
    expect((await get(first.id))?.pinned).toBe(false);
    expect((await pinned())?.id).toBe(second.id);
  });

  it('beforeDelete refuses to delete a locked item', async () => {
    const item = await create({ name: 'Keep me', locked: true });
    const error = await failure('mutation($id: ID!) { deleteItem(id: $id) { id } }', { id: item.id });
    expect(error.extensions).toMatchObject({ code: 'CONFLICT', reason: 'LOCKED' });
    expect(await get(item.id)).not.toBeNull();
  });

  it('afterDelete passes the pin to the newest item', async () => {
    const old = await create({ name: 'Pinned', pinned: true });
    const newest = await create({ name: 'Newest' });
    await data('mutation($id: ID!) { deleteItem(id: $id) { id } }', { id: old.id });
    expect((await pinned())?.id).toBe(newest.id);
  });

  it('the handler marks a new item announced, after its transaction commits', async () => {
    const item = await create({ name: 'Announce me' });
    expect(item.announcedAt).toBeNull();
    await server.settle();
    expect((await get(item.id))?.announcedAt).toEqual(expect.any(String));
  });

  it('the job unpins every item', async () => {
    await create({ name: 'Pinned tonight', pinned: true });
    await server.runDueJobs(new Date('2099-01-01T00:00:00Z'));
    expect(await pinned()).toBeNull();
  });
});

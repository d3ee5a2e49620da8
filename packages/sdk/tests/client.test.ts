import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../../server/tests/helpers.ts';
import { createClient, RelataApiError } from '../src/index.ts';

describe('createClient', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let key: string;
  beforeAll(async () => {
    server = await startTestServer();
    key = (await server.workspace()).apiKey;
  });
  afterAll(() => server.close());

  it('returns data, and raises the server code and field errors', async () => {
    const client = createClient({ url: `${server.url}/graphql`, token: key });
    await client.request(`mutation { createObjectType(input: { apiName: "task", pluralApiName: "tasks" }) { apiName } }`);
    await client.request(`mutation { createField(objectType: "task", input: { apiName: "title", type: TEXT, required: true }) { apiName } }`);
    const data = await client.request<{ createTask: { title: string } }>(`mutation($t: String) { createTask(input: { title: $t }) { title } }`, {
      t: 'Call Ann',
    });
    expect(data.createTask.title).toBe('Call Ann');

    const error = await client.request(`mutation { createTask(input: {}) { id } }`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RelataApiError);
    expect(error).toMatchObject({ code: 'VALIDATION_FAILED', fields: [{ field: 'input.title', code: 'REQUIRED' }] });
  });

  it('raises UNAUTHENTICATED with HTTP 401 for a bad key', async () => {
    const client = createClient({ url: `${server.url}/graphql`, getToken: () => 'rk_wrong' });
    await expect(client.request('{ __typename }')).rejects.toMatchObject({ code: 'UNAUTHENTICATED', status: 401 });
  });
});

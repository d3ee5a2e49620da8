/**
 * A throwaway Relata server for trying the worker with nothing else running: a
 * fresh in-memory database with the standard CRM, where a company or a person
 * is created or changed every couple of seconds, so there is something to
 * mirror. Nothing of it outlives the process.
 */
import crm from '@relata/plugin-crm';
import { createTestServer } from '@relata/sdk/testing';

const NAMES = ['Acme', 'Globex', 'Initech', 'Umbrella', 'Hooli', 'Stark', 'Wayne', 'Tyrell', 'Cyberdyne', 'Soylent'];
const PEOPLE = ['Ada Lovelace', 'Grace Hopper', 'Alan Turing', 'Edsger Dijkstra', 'Barbara Liskov', 'Ken Thompson'];

/** Starts the server and the writes; they stop when `signal` aborts, `close()` stops both. */
export async function startDemoServer(options: { everyMs?: number; signal?: AbortSignal; log?: (line: string) => void } = {}) {
  const server = await createTestServer({ plugins: [crm], workspaceName: 'Sync demo' });
  const log = options.log ?? ((line: string) => console.log(line));
  const companies: string[] = [];
  let step = 0;
  const write = async () => {
    const n = step++;
    const gql = async <T>(query: string, variables: Record<string, unknown>) => {
      const { data, errors } = await server.gql<T>(query, variables);
      if (errors) throw new Error(errors.map((e) => e.message).join('; '));
      return data!;
    };
    if (companies.length === 0 || n % 3 === 0) {
      const name = `${NAMES[n % NAMES.length]} ${Math.floor(n / NAMES.length) + 1}`;
      const data = await gql<{ createCompany: { id: string } }>('mutation($name: String!) { createCompany(input: { name: $name }) { id } }', { name });
      companies.push(data.createCompany.id);
      log(`[demo] created company ${name}`);
    } else if (n % 3 === 1) {
      const [firstName, lastName] = PEOPLE[n % PEOPLE.length]!.split(' ');
      await gql('mutation($i: PersonCreateInput!) { createPerson(input: $i) { id } }', { i: { firstName, lastName, companyId: companies.at(-1) } });
      log(`[demo] created person ${firstName} ${lastName}`);
    } else {
      await gql('mutation($id: ID!, $employees: Int) { updateCompany(id: $id, input: { employees: $employees }) { id } }', {
        id: companies.at(-1),
        employees: 10 + n,
      });
      log(`[demo] changed a company's employees`);
    }
  };
  let writing = Promise.resolve();
  const timer = setInterval(() => {
    writing = writing.then(write).catch((error: unknown) => log(`[demo] write failed: ${String(error)}`));
  }, options.everyMs ?? 2000);
  options.signal?.addEventListener('abort', () => clearInterval(timer), { once: true });
  return {
    url: server.url,
    apiKey: server.apiKey,
    async close() {
      clearInterval(timer);
      await writing;
      await server.close();
    },
  };
}

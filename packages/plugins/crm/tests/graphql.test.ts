/**
 * The CRM over GraphQL, on a real server (@relata/sdk/testing): the convertLead
 * mutation, its errors, and what the contract names look like to a client.
 */
import { createTestServer, type TestServer } from '@relata/sdk/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import crm from '../src/index.ts';

describe('the CRM over GraphQL', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await createTestServer({ plugins: [crm] });
  });
  afterAll(async () => server?.close());

  const CONVERT = /* GraphQL */ `
    mutation ($id: ID!, $input: ConvertLeadInput) {
      convertLead(id: $id, input: $input) {
        lead { id status convertedAt convertedPerson { id } }
        person { id firstName lastName email company { name } }
        company { id name }
        opportunity { name stage probability company { name } contacts { edges { node { id } } } }
      }
    }
  `;

  it('converts a lead in one mutation', async () => {
    const created = await server.gql(`mutation { createLead(input: { firstName: "Jane", lastName: "Doe", email: "jane@initech.example", companyName: "Initech", source: web }) { id status score } }`);
    expect(created.errors).toBeUndefined();
    const id = created.data.createLead.id as string;

    const res = await server.gql(CONVERT, { id });
    expect(res.errors).toBeUndefined();
    const { lead, person, company, opportunity } = res.data.convertLead;
    expect(lead).toMatchObject({ id, status: 'converted', convertedPerson: { id: person.id } });
    expect(person).toMatchObject({ firstName: 'Jane', lastName: 'Doe', email: 'jane@initech.example', company: { name: 'Initech' } });
    expect(company.name).toBe('Initech');
    expect(opportunity).toMatchObject({ name: 'Initech', stage: 'prospecting', probability: 10, company: { name: 'Initech' }, contacts: { edges: [{ node: { id: person.id } }] } });

    const again = await server.gql(CONVERT, { id });
    expect(again.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'ALREADY_CONVERTED' });
  });

  it('links an existing company and skips the opportunity', async () => {
    const acme = await server.records.create('company', { name: 'Acme' });
    const lead = await server.records.create('lead', { lastName: 'Roe', companyName: 'ACME inc.' });
    const res = await server.gql(CONVERT, { id: lead.id, input: { companyId: acme.id, skipOpportunity: true } });
    expect(res.errors).toBeUndefined();
    expect(res.data.convertLead).toMatchObject({ company: { id: acme.id, name: 'Acme' }, opportunity: null, person: { lastName: 'Roe', company: { name: 'Acme' } } });
  });

  it('reports invalid input by field and writes nothing', async () => {
    const lead = await server.records.create('lead', { lastName: 'Invalid', companyName: 'Nope Ltd' });
    const before = (await server.records.list('company', { first: 0, totalCount: true })).totalCount;
    const res = await server.gql(CONVERT, { id: lead.id, input: { personId: '01a2055d-e9c0-7180-a2fe-632de66bd739' } });
    expect(res.errors?.[0]?.extensions).toMatchObject({
      code: 'VALIDATION_FAILED',
      fields: [{ field: 'input.personId', code: 'INVALID_REFERENCE' }],
    });
    expect((await server.records.list('company', { first: 0, totalCount: true })).totalCount).toBe(before);
    expect((await server.records.get('lead', lead.id))!.data.status).toBe('new');
  });

  it('exposes the owner of leads and cases as the system owner', async () => {
    const res = await server.gql(`{ leads(first: 1) { edges { node { ownerId owner { id } } } } cases(first: 1) { edges { node { ownerId escalationCount firstResponseAt resolvedAt } } } }`);
    expect(res.errors).toBeUndefined();
  });
});

/** Lead scoring as a client sees it (@relata/sdk/testing): the score and its explanation on each lead, rules as records. */
import crm from '@relata/plugin-crm';
import { createTestServer, type TestServer } from '@relata/sdk/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import leadScoring from '../src/index.ts';

describe('lead scoring over GraphQL', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await createTestServer({ plugins: [crm, leadScoring] });
    await server.settle();
  });
  afterAll(async () => server?.close());

  it('scores a lead made through the API and explains the score', async () => {
    const created = await server.gql(`mutation { createLead(input: { lastName: "Kim", email: "kim@example.com", source: referral }) { id score } }`);
    expect(created.errors).toBeUndefined();
    await server.settle();
    const res = await server.gql(`query ($id: ID!) { lead(id: $id) { score scoreDetails } }`, { id: created.data.createLead.id });
    expect(res.data.lead.score).toBe(30);
    expect(res.data.lead.scoreDetails).toMatchObject({
      total: 30,
      rules: [
        { rule: 'Has an email address', points: 10 },
        { rule: 'Referred', points: 20 },
      ],
    });
  });

  it('lets admins edit rules as records', async () => {
    const rules = await server.gql(`{ scoringRules(filter: { name: { eq: "Referred" } }) { edges { node { id points kind operator value } } } }`);
    const rule = rules.data.scoringRules.edges[0].node;
    expect(rule).toMatchObject({ points: 20, kind: 'leadField', operator: 'equals', value: 'referral' });
    const bad = await server.gql(`mutation ($id: ID!) { updateScoringRule(id: $id, input: { operator: in }) { id } }`, { id: rule.id });
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION_FAILED', fields: [{ field: 'input.value', code: 'INVALID_TYPE' }] });
    const ok = await server.gql(`mutation ($id: ID!) { updateScoringRule(id: $id, input: { points: 40 }) { points } }`, { id: rule.id });
    expect(ok.errors).toBeUndefined();
    await server.settle();
    const leads = await server.gql(`{ leads(filter: { source: { eq: referral } }) { edges { node { score } } } }`);
    expect(leads.data.leads.edges.map((e: { node: { score: number } }) => e.node.score)).toEqual([50]);
  });
});

/**
 * The README's quickstart, for real: `relata start` in a directory without a
 * relata.config.ts makes the Demo workspace holding the standard CRM (the default
 * configuration: the crm and lead-scoring plugins).
 */
import { describe, expect, it } from 'vitest';
import { engineName, newTarget, startServer } from './cli-process.ts';

describe(`relata start, default configuration (${engineName})`, () => {
  it('start without a config file makes the Demo workspace with the standard CRM, as the quickstart says', async () => {
    const target = await newTarget();
    // RELATA_CONFIG empty: the working directory (a temporary one) has no relata.config.ts either.
    const server = await startServer(target, { RELATA_CONFIG: '' });
    try {
      expect(server.output()).toMatch(/Plugins: {2}crm \d+\.\d+\.\d+, lead-scoring \d+\.\d+\.\d+\n/);
      const key = server.output().match(/\b(rk_[A-Za-z0-9]{32})\b/)![1]!;
      const res = await fetch(server.healthUrl.replace(/health$/, 'graphql'), {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify({ query: '{ objectTypes { apiName source } }' }),
      });
      const types = ((await res.json()) as { data: { objectTypes: Array<{ apiName: string; source: string }> } }).data.objectTypes;
      const contract = ['company', 'person', 'lead', 'opportunity', 'task', 'call', 'meeting', 'emailLog', 'note', 'case', 'campaign'];
      expect(types.filter((t) => contract.includes(t.apiName)).map((t) => `${t.apiName}:${t.source}`).sort()).toEqual(contract.map((t) => `${t}:crm`).sort());
    } finally {
      expect((await server.stop()).code).toBe(0);
    }
  }, 120_000);

});

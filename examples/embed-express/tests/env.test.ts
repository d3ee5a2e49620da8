/**
 * How main.ts reads the Relata server to use from the environment: nothing for
 * a local one, or RELATA_URL, RELATA_JWT_SECRET and one workspace per customer
 * account, all together.
 */
import { describe, expect, it } from 'vitest';
import { relataFromEnv } from '../src/env.ts';

const SERVER = {
  RELATA_URL: 'http://localhost:4000',
  RELATA_JWT_SECRET: 'a-secret-of-at-least-thirty-two-bytes!!',
  RELATA_WORKSPACE_ACME: '01a20c4e-0000-7000-8000-00000000000a',
  RELATA_WORKSPACE_GLOBEX: '01a20c4e-0000-7000-8000-00000000000b',
};

describe('relataFromEnv', () => {
  it('is undefined (a local Relata) when nothing is set', () => {
    expect(relataFromEnv({ PORT: '3000' })).toBeUndefined();
  });

  it("names the server, its GraphQL endpoint, and each account's workspace", () => {
    expect(relataFromEnv({ ...SERVER, RELATA_JWT_AUDIENCE: 'relata' })).toEqual({
      url: 'http://localhost:4000/graphql',
      workspaces: { acme: SERVER.RELATA_WORKSPACE_ACME, globex: SERVER.RELATA_WORKSPACE_GLOBEX },
      tokens: { secret: SERVER.RELATA_JWT_SECRET, audience: 'relata' },
    });
  });

  it('says what is missing when the server is named halfway', () => {
    const { RELATA_WORKSPACE_GLOBEX: _, ...withoutGlobex } = SERVER;
    expect(() => relataFromEnv(withoutGlobex)).toThrow(/missing: RELATA_WORKSPACE_GLOBEX$/);
    expect(() => relataFromEnv({ RELATA_URL: SERVER.RELATA_URL })).toThrow(/missing: RELATA_JWT_SECRET, RELATA_WORKSPACE_ACME, RELATA_WORKSPACE_GLOBEX$/);
  });

  it('refuses one workspace for every account (RELATA_WORKSPACE_ID)', () => {
    expect(() => relataFromEnv({ RELATA_URL: SERVER.RELATA_URL, RELATA_JWT_SECRET: SERVER.RELATA_JWT_SECRET, RELATA_WORKSPACE_ID: SERVER.RELATA_WORKSPACE_ACME })).toThrow(
      /set RELATA_WORKSPACE_ACME and RELATA_WORKSPACE_GLOBEX instead of RELATA_WORKSPACE_ID/,
    );
  });
});

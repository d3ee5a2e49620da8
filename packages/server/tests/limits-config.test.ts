/**
 * How an operator sets the limits: the RELATA_RATE_LIMIT_*, RELATA_AUTH_FAILURE_LIMIT_*,
 * RELATA_TRUST_PROXY_HOPS, RELATA_MAX_BODY_BYTES, RELATA_INTROSPECTION and
 * RELATA_PERSISTED_* variables, their defaults, and the mistakes they refuse,
 * naming the variable; and the persisted operations file, read at start.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, resolveConfig } from '../src/config.ts';
import { loadPersistedOperations } from '../src/limits/use-persisted-operations.ts';

describe('limits configuration', () => {
  it('has defaults: 20 requests per second in bursts of 200, 30 failed authentications then 1 per second, 2 MiB, introspection on', () => {
    expect(resolveConfig({}).limits).toEqual({
      rateLimits: { perActor: { perSecond: 20, burst: 200 }, authFailures: { perSecond: 1, burst: 30 }, trustProxyHops: 0 },
      maxBodyBytes: 2 * 1024 * 1024,
      introspection: true,
    });
  });

  it('reads every variable', () => {
    const limits = resolveConfig(
      {
        RELATA_RATE_LIMIT_PER_SECOND: '0.5',
        RELATA_RATE_LIMIT_BURST: '10',
        RELATA_AUTH_FAILURE_LIMIT_PER_SECOND: '2',
        RELATA_AUTH_FAILURE_LIMIT_BURST: '5',
        RELATA_TRUST_PROXY_HOPS: '1',
        RELATA_MAX_BODY_BYTES: '1048576',
        RELATA_INTROSPECTION: 'OFF',
        RELATA_PERSISTED_OPERATIONS: 'ops/manifest.json',
        RELATA_PERSISTED_ONLY: 'true',
      },
      '/srv/app',
    ).limits;
    expect(limits).toEqual({
      rateLimits: { perActor: { perSecond: 0.5, burst: 10 }, authFailures: { perSecond: 2, burst: 5 }, trustProxyHops: 1 },
      maxBodyBytes: 1048576,
      introspection: false,
      persistedOperations: { file: path.resolve('/srv/app', 'ops/manifest.json'), only: true },
    });
    // A manifest alone lets other documents run too.
    expect(resolveConfig({ RELATA_PERSISTED_OPERATIONS: '/m.json' }).limits.persistedOperations).toEqual({ file: path.resolve('/m.json'), only: false });
  });

  it('turns a rate limit off with 0 for its rate or its burst', () => {
    expect(resolveConfig({ RELATA_RATE_LIMIT_PER_SECOND: '0' }).limits.rateLimits.perActor).toBe(false);
    expect(resolveConfig({ RELATA_RATE_LIMIT_BURST: '0' }).limits.rateLimits.perActor).toBe(false);
    expect(resolveConfig({ RELATA_AUTH_FAILURE_LIMIT_PER_SECOND: '0' }).limits.rateLimits).toMatchObject({ perActor: { perSecond: 20 }, authFailures: false });
  });

  it('refuses mistakes with a ConfigError naming the variable', () => {
    const cases: Array<[NodeJS.ProcessEnv, RegExp]> = [
      [{ RELATA_RATE_LIMIT_PER_SECOND: 'fast' }, /RELATA_RATE_LIMIT_PER_SECOND must be a number of requests per second from 0 \(no limit\)/],
      [{ RELATA_RATE_LIMIT_PER_SECOND: '-1' }, /RELATA_RATE_LIMIT_PER_SECOND/],
      [{ RELATA_RATE_LIMIT_PER_SECOND: '20/s' }, /RELATA_RATE_LIMIT_PER_SECOND/],
      [{ RELATA_RATE_LIMIT_BURST: '1.5' }, /RELATA_RATE_LIMIT_BURST must be a whole number of requests from 0 \(no limit\)/],
      [{ RELATA_RATE_LIMIT_BURST: '2000000' }, /RELATA_RATE_LIMIT_BURST/],
      [{ RELATA_AUTH_FAILURE_LIMIT_PER_SECOND: '1e3' }, /RELATA_AUTH_FAILURE_LIMIT_PER_SECOND/],
      [{ RELATA_AUTH_FAILURE_LIMIT_BURST: 'many' }, /RELATA_AUTH_FAILURE_LIMIT_BURST/],
      [{ RELATA_TRUST_PROXY_HOPS: 'true' }, /RELATA_TRUST_PROXY_HOPS must be the number of reverse proxies in front of Relata, from 0 to 10/],
      [{ RELATA_TRUST_PROXY_HOPS: '11' }, /RELATA_TRUST_PROXY_HOPS/],
      [{ RELATA_MAX_BODY_BYTES: '2MB' }, /RELATA_MAX_BODY_BYTES must be a whole number of bytes from 1024 to 1073741824/],
      [{ RELATA_MAX_BODY_BYTES: '100' }, /RELATA_MAX_BODY_BYTES/],
      [{ RELATA_INTROSPECTION: 'no' }, /RELATA_INTROSPECTION must be on or off \(got "no"\)/],
      [{ RELATA_PERSISTED_OPERATIONS: 'm.json', RELATA_PERSISTED_ONLY: 'yes' }, /RELATA_PERSISTED_ONLY must be true or false/],
      [{ RELATA_PERSISTED_ONLY: 'true' }, /RELATA_PERSISTED_ONLY=true needs RELATA_PERSISTED_OPERATIONS/],
    ];
    for (const [env, message] of cases) {
      expect(() => resolveConfig(env), JSON.stringify(env)).toThrow(ConfigError);
      expect(() => resolveConfig(env), JSON.stringify(env)).toThrow(message);
    }
  });
});

describe('the persisted operations file', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'relata-persisted-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, content: string) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, content);
    return file;
  };

  it('is a JSON object of ids to documents', () => {
    const operations = { abc123: 'query Notes { notes { totalCount } }', def456: '{ __typename }' };
    expect(loadPersistedOperations(write('ok.json', JSON.stringify(operations)))).toEqual(operations);
  });

  it('stops the start with a ConfigError naming the file, and the operation when one is bad', () => {
    const cases: Array<[string, RegExp]> = [
      [path.join(dir, 'missing.json'), /RELATA_PERSISTED_OPERATIONS \(.*missing\.json\) cannot be read/],
      [write('broken.json', '{"a": '), /broken\.json\) is not valid JSON/],
      [write('array.json', '["{ __typename }"]'), /must be a JSON object mapping each operation's sha256 hash to its document/],
      [write('empty.json', '{}'), /lists no operations/],
      [write('number.json', '{"abc": 42}'), /the operation "abc" must be a string of GraphQL/],
      [write('syntax.json', '{"abc": "{ __typename", "def": "{ __typename }"}'), /the operation "abc" is not valid GraphQL: Syntax Error/],
    ];
    for (const [file, message] of cases) {
      expect(() => loadPersistedOperations(file), file).toThrow(ConfigError);
      expect(() => loadPersistedOperations(file), file).toThrow(message);
    }
  });
});

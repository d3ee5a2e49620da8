/**
 * Where the time of one GraphQL page request goes, with simple timers: each
 * step the HTTP handler takes (credentials query, metadata snapshot, schema
 * cache, GraphQL execution with Pothos resolvers, result serialization) timed in
 * isolation with the same inputs, next to the HTTP floor (a 404 answered before
 * any of it) and the full request. What is left is yoga's own request handling.
 */
import type { Engine } from '@relata/core';
import { execute, parse, validate, type DocumentNode } from 'graphql';
import { createRequestContext } from '../src/context.ts';
import type { HttpServer } from '../src/index.ts';
import { GQL_PAGE, GQL_PAGE_VARIABLES, type Clients } from './scenarios.ts';
import type { Seeded } from './seed.ts';
import { measureInterleaved, type Summary } from './stats.ts';

export interface Profile {
  steps: Array<{ step: string; what: string; summary: Summary }>;
  full: Summary;
  /** Median of the full request minus the medians of the timed steps. */
  unexplainedMs: number;
  statementsPerRequest: string[];
  responseBytes: number;
}

export async function profileGraphqlPage(
  engine: Engine,
  http: HttpServer,
  seeded: Seeded,
  clients: Clients,
  opts: { iterations: number; warmup: number },
): Promise<Profile> {
  const { actor, metadataVersion } = await engine.workspaces.authenticate(seeded.apiKey);
  const metadata = await engine.metadata.snapshot(actor.workspaceId, metadataVersion);
  const schema = http.schemas.get(metadata, actor);
  const document: DocumentNode = parse(GQL_PAGE);
  const errors = validate(schema, document);
  if (errors.length) throw new Error(`page query does not validate: ${errors.map((e) => e.message).join('; ')}`);

  const run = async () => {
    const result = await execute({
      schema,
      document,
      variableValues: GQL_PAGE_VARIABLES,
      contextValue: { ...createRequestContext(engine, actor, metadata), workspaceSchema: schema },
    });
    if (result.errors?.length) throw new Error(`execute failed: ${result.errors[0]!.message}`);
    return result;
  };
  const sample = await run();
  const responseBytes = Buffer.byteLength(JSON.stringify(sample));

  const statements: string[] = [];
  const stop = engine.db.observe((text) => statements.push(text.length > 90 ? `${text.slice(0, 87)}...` : text));
  await clients.gqlPage();
  stop();

  const results = await measureInterleaved(
    {
      httpFloor: () => clients.httpFloor(),
      auth: () => engine.workspaces.authenticate(seeded.apiKey),
      snapshot: () => engine.metadata.snapshot(actor.workspaceId, metadataVersion),
      schema: async () => http.schemas.get(metadata, actor),
      parseValidate: async () => validate(schema, parse(GQL_PAGE)),
      list: () => clients.enginePage(),
      execute: run,
      serialize: async () => JSON.stringify(sample),
      full: () => clients.gqlPage(),
    },
    opts,
  );
  const r = (k: string) => results[k]!;
  const steps = [
    { step: 'HTTP floor', what: 'fetch POST answered 404 by the handler (no auth, no GraphQL)', summary: r('httpFloor') },
    { step: 'credentials', what: 'engine.workspaces.authenticate: one SELECT api_key ⨝ workspace', summary: r('auth') },
    { step: 'metadata snapshot', what: 'engine.metadata.snapshot with known version (LRU hit)', summary: r('snapshot') },
    { step: 'schema cache', what: 'schemas.get(metadata) (LRU hit by hash)', summary: r('schema') },
    { step: 'GraphQL execute', what: 'graphql.execute: Pothos resolvers incl. engine.records.list', summary: r('execute') },
    { step: 'serialize', what: 'JSON.stringify of the result', summary: r('serialize') },
  ];
  const explained = steps.reduce((s, x) => s + x.summary.median, 0);
  return {
    steps: [
      ...steps,
      { step: '(inside execute) records.list', what: 'engine.records.list alone: SQL + row mapping', summary: r('list') },
      { step: '(not per request) parse + validate', what: 'yoga caches both per query string and schema', summary: r('parseValidate') },
    ],
    full: r('full'),
    unexplainedMs: r('full').median - explained,
    statementsPerRequest: statements,
    responseBytes,
  };
}

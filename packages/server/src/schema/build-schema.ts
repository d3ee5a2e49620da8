/**
 * Builds the GraphQL schema of a workspace from its metadata, and caches it by
 * the metadata's hash in a bounded LRU: workspaces with identical metadata share
 * one schema object, and a metadata change (a new hash) builds a new one.
 */
import type { Engine, WorkspaceMetadata } from '@relata/core';
import type { GraphQLSchema } from 'graphql';
import { LRUCache } from 'lru-cache';
import { createBuilder } from './builder.ts';
import { addMetadataApi } from './metadata-api.ts';
import { addRecordApi } from './record-api.ts';
import { addScalars } from './scalars.ts';
import { addSearchApi } from './search-api.ts';
import { addSharedTypes } from './shared-types.ts';
import { addWorkspaceApi } from './workspace-api.ts';

/** Builds the schema for `metadata`. Resolvers read ids from the request's metadata, never from the build. */
export function buildSchema(engine: Engine, metadata: WorkspaceMetadata): GraphQLSchema {
  const builder = createBuilder(engine);
  builder.queryType({});
  builder.mutationType({});
  addScalars(builder);
  addMetadataApi(builder);
  addWorkspaceApi(builder);
  const shared = addSharedTypes(builder);
  addRecordApi(builder, metadata, shared);
  addSearchApi(builder, shared);
  return builder.toSchema({ sortSchema: false });
}

/** A bounded cache of schemas by metadata hash. */
export function createSchemaCache(engine: Engine, options: { max?: number } = {}) {
  const cache = new LRUCache<string, GraphQLSchema>({ max: options.max ?? 100 });
  return {
    /** The schema for `metadata`, built on a miss. */
    get(metadata: WorkspaceMetadata): GraphQLSchema {
      let schema = cache.get(metadata.hash);
      if (!schema) {
        schema = buildSchema(engine, metadata);
        cache.set(metadata.hash, schema);
      }
      return schema;
    },
    get size() {
      return cache.size;
    },
  };
}

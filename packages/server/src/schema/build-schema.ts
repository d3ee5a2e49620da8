/**
 * Builds the GraphQL schema of a workspace as an actor's roles see it, and caches
 * it by the policy's schema key (the metadata's hash and what the roles allow) in
 * a bounded LRU: workspaces with identical metadata and roles share one schema
 * object, and a metadata or role change (a new key) builds a new one. A type the
 * roles may not read, a hidden field, a verb they lack or a field they may not
 * write is absent from their schema; core enforces the same on every call.
 */
import { policyOf, type Actor, type Engine, type RolePolicy, type WorkspaceMetadata } from '@relata/core';
import type { GraphQLSchema } from 'graphql';
import { LRUCache } from 'lru-cache';
import { createBuilder } from './builder.ts';
import { addAccessApi } from './access-api.ts';
import { addEventSubscriptions, addEventTypes } from './event-api.ts';
import { addMetadataApi } from './metadata-api.ts';
import { addPluginApi } from './plugin-api.ts';
import { applyPluginGraphQL } from './plugin-graphql.ts';
import { addRecordApi } from './record-api.ts';
import { addScalars } from './scalars.ts';
import { addSearchApi } from './search-api.ts';
import { addSharedTypes } from './shared-types.ts';
import { addWebhookApi } from './webhook-api.ts';
import { addWorkspaceApi } from './workspace-api.ts';

/** Builds the schema of `policy`'s view. Resolvers read ids from the request's metadata, never from the build. */
export function buildSchema(engine: Engine, policy: RolePolicy): GraphQLSchema {
  const builder = createBuilder(engine);
  builder.queryType({});
  builder.mutationType({});
  builder.subscriptionType({});
  addScalars(builder);
  addMetadataApi(builder);
  addAccessApi(builder);
  const workspaceTypes = addWorkspaceApi(builder);
  const shared = addSharedTypes(builder, workspaceTypes);
  const events = addEventTypes(builder, shared, workspaceTypes);
  addRecordApi(builder, policy, shared, events);
  addEventSubscriptions(builder, events);
  addWebhookApi(builder, shared, events);
  addPluginApi(builder, shared);
  addSearchApi(builder, shared);
  // The GraphQL of the plugins installed in the workspace, fitted to this view (none: the schema as built).
  return applyPluginGraphQL(engine, policy, builder.toSchema({ sortSchema: false }));
}

/** A bounded cache of schemas by schema key. */
export function createSchemaCache(engine: Engine, options: { max?: number } = {}) {
  const cache = new LRUCache<string, GraphQLSchema>({ max: options.max ?? 100 });
  return {
    /** The schema of `actor` in `metadata`, built on a miss. */
    get(metadata: WorkspaceMetadata, actor: Actor): GraphQLSchema {
      const policy = policyOf({ actor, metadata });
      let schema = cache.get(policy.schemaKey);
      if (!schema) {
        schema = buildSchema(engine, policy);
        cache.set(policy.schemaKey, schema);
      }
      return schema;
    },
    get size() {
      return cache.size;
    },
  };
}

/**
 * Plugins' GraphQL in a workspace's schema. After the schema of a role's view is
 * built, each plugin installed in the workspace (`metadata.plugins`, in config
 * order) that has `graphql` extends it: its SDL is fitted to the schema (fields
 * naming types the role cannot see are left out, plugin-sdl.ts), applied with
 * graphql-js' extendSchema, and its resolvers are attached to the fields it added
 * (never to the schema's own). A workspace without such plugins gets the built
 * schema unchanged; the installed set is part of the metadata hash, so the schema
 * cache keeps extended and plain schemas apart.
 *
 * Resolvers get `(parent, args, ctx)` where ctx is a PluginResolverContext: the
 * caller's actor, and records bound to the request's actor and metadata snapshot
 * (the role's rules apply as in every built-in field), with single-record reads
 * through the request's dataloaders. Records they return are RecordRows, which
 * the record types resolve as their own (isTypeOf, and the Record interface's
 * resolveType, read `row.type`). Errors they throw reach clients as every other
 * resolver's do (errors.ts: a RelataError keeps its code).
 */
import { bindRecords, policyOf, type Engine, type RolePolicy } from '@relata/core';
import type { AnyPlugin, PluginRecords, PluginResolver, PluginResolverContext } from '@relata/core/plugin';
import { extendSchema, isObjectType, validateSchema, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import type { RequestContext } from '../context.ts';
import { declaredFields, fitExtension, pluginDocument } from './plugin-sdl.ts';

/** Where problems with a plugin's extension are reported. */
export type ExtensionLogger = (message: string) => void;

const defaultLogger: ExtensionLogger = (message) => console.error(message);

/**
 * `schema` extended by the GraphQL of the plugins installed in `policy`'s
 * workspace. A plugin whose extension cannot apply (a field clashing with one the
 * schema has, an invalid result) is reported and left out; the rest still apply.
 */
export function applyPluginGraphQL(engine: Engine, policy: RolePolicy, schema: GraphQLSchema, log: ExtensionLogger = defaultLogger): GraphQLSchema {
  const installed = policy.view.plugins;
  if (installed.size === 0) return schema;
  let current = schema;
  for (const plugin of engine.plugins.host.plugins) {
    if (!plugin.graphql || !installed.has(plugin.name)) continue;
    try {
      current = extendWith(current, plugin, log);
    } catch (error) {
      log(`Plugin "${plugin.name}": its GraphQL is left out of this schema: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return current;
}

function extendWith(schema: GraphQLSchema, plugin: AnyPlugin, log: ExtensionLogger): GraphQLSchema {
  const { document, clashes } = fitExtension(pluginDocument(plugin), schema);
  if (clashes.length) log(`Plugin "${plugin.name}": left out of this schema, which has them already: ${clashes.join(', ')}`);
  if (document.definitions.length === 0) return schema;
  const extended = extendSchema(schema, document);
  const errors = validateSchema(extended);
  if (errors.length) throw new Error(errors.map((e) => e.message).join('; '));
  attachResolvers(extended, plugin, declaredFields(document));
  return extended;
}

/** Sets the plugin's resolvers on the fields its (fitted) SDL added. */
function attachResolvers(schema: GraphQLSchema, plugin: AnyPlugin, added: Map<string, Set<string>>): void {
  for (const [typeName, resolvers] of Object.entries(plugin.graphql!.resolvers ?? {})) {
    const type = schema.getType(typeName);
    if (!isObjectType(type)) continue;
    const fields = type.getFields();
    for (const [fieldName, resolver] of Object.entries(resolvers ?? {})) {
      const field = fields[fieldName];
      if (field && added.get(typeName)?.has(fieldName)) field.resolve = wrap(resolver);
    }
  }
}

function wrap(resolver: PluginResolver): GraphQLFieldResolver<unknown, RequestContext> {
  return (parent, args, ctx) => resolver(parent, args, pluginContext(ctx));
}

const contexts = new WeakMap<RequestContext, PluginResolverContext>();

/** The request's PluginResolverContext, made on first use. */
export function pluginContext(ctx: RequestContext): PluginResolverContext {
  let found = contexts.get(ctx);
  if (!found) {
    found = { workspaceId: ctx.actor.workspaceId, actor: ctx.actor, records: requestRecords(ctx) };
    contexts.set(ctx, found);
  }
  return found;
}

/**
 * Record operations as the request's actor on the request's metadata snapshot
 * (what `engine.plugins.recordsFor(actor)` does, without reading the snapshot
 * again), single-record reads batched by the request's dataloaders.
 */
function requestRecords(ctx: RequestContext): PluginRecords {
  const records = bindRecords(ctx.engine.records, ctx.actor, async () => ctx.metadata);
  const readable = (type: string) => !!policyOf(ctx.scope).view.find(type);
  return {
    ...records,
    // A type the actor may not read: the engine's own call says so (NOT_FOUND / FORBIDDEN).
    get: (type, id) => (readable(type) ? ctx.recordLoader([type]).load(id) : records.get(type, id)),
    async getMany(types, ids) {
      const rows = await ctx.recordLoader(typeof types === 'string' ? [types] : [...types]).loadMany([...new Set(ids)]);
      return rows.flatMap((row) => {
        if (row instanceof Error) throw row;
        return row ? [row] : [];
      });
    },
  };
}

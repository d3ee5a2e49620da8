/**
 * The plugin's GraphQL: SDL that extends each workspace's schema where the plugin
 * is installed, and resolvers for the fields it adds.
 *
 * - `typeDefs` may `extend type Query` / `Mutation`, extend record types
 *   (`extend type Item { ... }`) and define input and object types; they may name
 *   record types by their GraphQL names (`Item`, `ItemConnection`). A field whose
 *   types a caller's role may not see is left out of that caller's schema.
 * - A resolver runs per request, like any resolver, outside any transaction
 *   (group writes with `ctx.records.transaction(fn)`). It receives
 *   `(parent, args, ctx)`; `ctx` is `{ workspaceId, actor, records }` where
 *   `records` acts AS THE CALLER: their role's rules apply, as on built-in
 *   fields, and writes run the record hooks. Return records (RecordRow) for
 *   record types: the server resolves their fields. Throw the errors of
 *   `@relata/core/plugin` to give the caller a code.
 */
import type { GraphQLExtension } from '@relata/core/plugin';

export const typeDefs = /* GraphQL */ `
  extend type Query {
    "The pinned item, if there is one."
    pinnedItem: Item
  }

  extend type Mutation {
    "Pins an item; the item pinned before is unpinned."
    pinItem(id: ID!): Item!
  }
`;

export const graphql: GraphQLExtension = {
  typeDefs,
  resolvers: {
    Query: {
      pinnedItem: async (_parent, _args, { records }) => {
        const page = await records.list('item', { filter: { pinned: { eq: true } }, first: 1 });
        return page.edges[0]?.node ?? null;
      },
    },
    Mutation: {
      pinItem: (_parent, args, { records }) => records.update('item', String(args.id), { pinned: true }),
    },
  },
};

/** The context yoga runs operations with: the request's context and the actor's schema. */
import type { GraphQLSchema } from 'graphql';
import type { RequestContext } from '../context.ts';

/** A request's context, with the GraphQL schema of its actor. */
export type ServerContext = RequestContext & { workspaceSchema: GraphQLSchema };

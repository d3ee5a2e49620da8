/**
 * A yoga plugin that refuses, before execution, operations costing more than
 * `maxCost` or reaching deeper than `maxDepth` record hops (see query-cost.ts),
 * with BAD_REQUEST errors that say the measure and the limit.
 */
import { GraphQLError, Kind, type FragmentDefinitionNode, type OperationDefinitionNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { measureQuery } from './query-cost.ts';

/** Limits on one operation. */
export interface QueryLimits {
  /** Most work one operation may ask for (fields × page sizes). @default 50000 */
  maxCost?: number;
  /** Most record hops from the root. @default 6 */
  maxDepth?: number;
}

/** The default limits. */
export const DEFAULT_QUERY_LIMITS = { maxCost: 50_000, maxDepth: 6 } as const;

/** Creates the plugin. */
export function useQueryLimits(limits: QueryLimits = {}): Plugin {
  const maxCost = limits.maxCost ?? DEFAULT_QUERY_LIMITS.maxCost;
  const maxDepth = limits.maxDepth ?? DEFAULT_QUERY_LIMITS.maxDepth;
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const fragments: Record<string, FragmentDefinitionNode> = {};
      let operation: OperationDefinitionNode | undefined;
      for (const definition of args.document.definitions) {
        if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
        else if (definition.kind === Kind.OPERATION_DEFINITION && (!args.operationName || definition.name?.value === args.operationName)) {
          operation ??= definition;
        }
      }
      if (!operation) return;
      const { cost, depth } = measureQuery(args.schema, operation, fragments, args.variableValues ?? {});
      const refuse = (message: string, extensions: Record<string, unknown>) =>
        setResultAndStopExecution({ errors: [new GraphQLError(message, { extensions: { code: 'BAD_REQUEST', ...extensions } })] });
      if (depth > maxDepth) {
        refuse(`Query is too deep: ${depth} record levels, at most ${maxDepth}`, { depth, maxDepth });
      } else if (cost > maxCost) {
        refuse(`Query is too costly: ${cost} (fields × page sizes), at most ${maxCost}; ask for smaller pages or fewer fields`, { cost, maxCost });
      }
    },
  };
}

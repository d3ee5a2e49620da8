/**
 * The cost of a query before it runs, so that no request can ask for an unbounded
 * amount of work (aliases repeating a list 500 times, lists nested in lists).
 *
 * - Cost: every field costs 1, multiplied by the page sizes of the connections
 *   above it; a connection multiplies its subtree by `first`/`last` (default 50).
 * - Depth: counted in record hops, the number of record types on the way down
 *   (a connection's `edges` and `node` levels do not count).
 */
import {
  getNamedType,
  isInterfaceType,
  isObjectType,
  isUnionType,
  Kind,
  valueFromASTUntyped,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

/** The page size a connection is assumed to return when neither first nor last is given. */
export const DEFAULT_PAGE_SIZE = 50;

/** The measured cost and depth of an operation. */
export interface QueryCost {
  cost: number;
  depth: number;
}

const isConnection = (type: GraphQLNamedType) => type.name.endsWith('Connection') && isObjectType(type) && !!type.getFields().edges;
const isRecordObject = (type: GraphQLNamedType) => isObjectType(type) && type.getInterfaces().some((i) => i.name === 'Record');
/** A record type, the Record interface, or the union of a polymorphic relation's record types. */
const isRecord = (type: GraphQLNamedType) =>
  isRecordObject(type) || (isInterfaceType(type) && type.name === 'Record') || (isUnionType(type) && type.getTypes().every(isRecordObject));

/** Measures `operation` against `schema`, with its variables' values. */
export function measureQuery(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: Record<string, FragmentDefinitionNode>,
  variables: Record<string, unknown> = {},
): QueryCost {
  const root = operation.operation === 'mutation' ? schema.getMutationType() : operation.operation === 'subscription' ? schema.getSubscriptionType() : schema.getQueryType();
  let maxDepth = 0;

  const pageSize = (args: ReadonlyArray<{ name: { value: string }; value: Parameters<typeof valueFromASTUntyped>[0] }>) => {
    for (const name of ['first', 'last']) {
      const arg = args.find((a) => a.name.value === name);
      if (arg) {
        const value = valueFromASTUntyped(arg.value, variables);
        if (typeof value === 'number' && value >= 0) return value;
      }
    }
    return DEFAULT_PAGE_SIZE;
  };

  const walk = (set: SelectionSetNode | undefined, parent: GraphQLNamedType | null | undefined, multiplier: number, depth: number, seen: Set<string>): number => {
    if (!set || !parent) return 0;
    let cost = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        const fields = isObjectType(parent) || isInterfaceType(parent) ? parent.getFields() : {};
        const field: GraphQLField<unknown, unknown> | undefined = fields[selection.name.value];
        if (!field) continue;
        const type = getNamedType(field.type);
        const inner = isConnection(type) ? multiplier * pageSize(selection.arguments ?? []) : multiplier;
        const innerDepth = isRecord(type) ? depth + 1 : depth;
        maxDepth = Math.max(maxDepth, innerDepth);
        cost += multiplier + walk(selection.selectionSet, type, inner, innerDepth, seen);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        cost += walk(selection.selectionSet, type, multiplier, depth, seen);
      } else {
        const fragment = fragments[selection.name.value];
        // A fragment spread inside itself is refused by validation; guard anyway.
        if (!fragment || seen.has(fragment.name.value)) continue;
        const type = schema.getType(fragment.typeCondition.name.value);
        cost += walk(fragment.selectionSet, type, multiplier, depth, new Set([...seen, fragment.name.value]));
      }
    }
    return cost;
  };

  const cost = walk(operation.selectionSet, root, 1, 0, new Set());
  return { cost, depth: maxDepth };
}

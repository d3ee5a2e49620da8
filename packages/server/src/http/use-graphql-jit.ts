/**
 * A yoga plugin that executes operations with graphql-jit: each operation is
 * compiled once per schema into a JavaScript function specialised for its
 * selection set, which resolves a large nested result several times faster than
 * the generic executor walking the AST for every field of every record.
 *
 * - **Cache per schema.** Schemas are built per workspace metadata and shared by
 *   hash (build-schema.ts), so one query text can run against many schemas. The
 *   compiled operations hang off the schema object (a WeakMap: they go when the
 *   schema is evicted and no request holds it), in an LRU of `maxPerSchema`
 *   documents each. (@envelop/graphql-jit keys its cache by document only, which
 *   would run one workspace's compiled query against another's schema.)
 * - **Variables are coerced as before**, by the function yoga's own executor uses
 *   (@graphql-tools/executor's getVariableValues): the same values, the same
 *   messages, so the same BAD_REQUEST. graphql-jit's own variable parser is kept
 *   out of the way: it would coerce the values a second time, and it generates code
 *   for input types by inlining them, which never ends on recursive ones (our
 *   filters: `and`, `or`, `not`; graphql-jit issue #81) and exhausts the heap. So
 *   the compiled operation declares its input object and enum variables as `JSON`
 *   (the schema's pass-through scalar) and receives the coerced values unchanged.
 * - **Errors as graphql-js raises them.** Field errors are rebuilt with the
 *   GraphQLError class, `locations`, `path`, the resolver's error as
 *   `originalError`, and a plain Error behind a null in a non-null field, so
 *   errors.ts maps them exactly as before.
 * - **Only what repeats.** An operation is compiled on its second execution
 *   (`compileAfter`), so one-off query texts cost no compilation; introspection
 *   (150 ms to compile, run rarely) never is.
 * - **Fallback.** Subscriptions, operations graphql-jit cannot compile, and
 *   schemas without a pass-through `JSON` scalar (when a variable needs it) run on
 *   the regular executor.
 */
import { getVariableValues } from '@graphql-tools/executor';
import {
  getNamedType,
  GraphQLError,
  isEnumType,
  isInputObjectType,
  isScalarType,
  Kind,
  typeFromAST,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type Source,
  type SourceLocation,
  type TypeNode,
  type VariableDefinitionNode,
} from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import type { Plugin } from 'graphql-yoga';
import { LRUCache } from 'lru-cache';

/** Options of the plugin. */
export interface GraphqlJitOptions {
  /** Compiled documents kept per schema (least recently used go first). @default 100 */
  maxPerSchema?: number;
  /**
   * Compile an operation on its nth execution against a schema; the ones before run
   * on the regular executor. Compiling costs more than one execution (2 ms for a
   * small query, 9 ms for the benchmark's nested one), so a query text seen once
   * (literals inlined instead of variables, say) is not worth it. @default 2
   */
  compileAfter?: number;
}

/** The scalar the compiled operations declare input object and enum variables as. */
const PASS_THROUGH = 'JSON';

type Compiled = { query: CompiledQuery['query']; operation: OperationDefinitionNode };
/** An operation of a document run against one schema: executions so far, and its compilation once made (null: not compilable). */
type Seen = { uses: number; compiled?: Compiled | null };

/** What one execution needs (the shape of graphql-js's and envelop's execute arguments). */
export interface JitExecutionArgs {
  schema: GraphQLSchema;
  document: DocumentNode;
  rootValue?: unknown;
  contextValue?: unknown;
  variableValues?: Record<string, unknown> | null;
  operationName?: string | null;
}

/** The operation graphql-js would run: the named one, or the only one. */
function findOperation(document: DocumentNode, operationName: string | null | undefined): OperationDefinitionNode | undefined {
  let found: OperationDefinitionNode | undefined;
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    if (operationName == null) {
      if (found) return undefined; // several operations and no name: the regular executor explains
      found = definition;
    } else if (definition.name?.value === operationName) {
      return definition;
    }
  }
  return found;
}

/** True when the operation asks for the schema itself (`__schema`, `__type` at its root). */
function isIntrospection(operation: OperationDefinitionNode): boolean {
  return operation.selectionSet.selections.some((s) => s.kind === Kind.FIELD && (s.name.value === '__schema' || s.name.value === '__type'));
}

/** True when the schema's `JSON` scalar hands variable values through unchanged. */
function passesThrough(schema: GraphQLSchema): boolean {
  const type = schema.getType(PASS_THROUGH);
  const probe = { probe: [1] };
  try {
    return isScalarType(type) && type.parseValue(probe) === probe;
  } catch {
    return false;
  }
}

/** `type` with its named type replaced by the pass-through scalar (list and non-null kept). */
function asPassThrough(type: TypeNode): TypeNode {
  if (type.kind === Kind.NAMED_TYPE) return { ...type, name: { ...type.name, value: PASS_THROUGH } };
  return { ...type, type: asPassThrough(type.type) } as TypeNode;
}

/**
 * The document graphql-jit compiles: the operation's input object and enum variables
 * declared as the pass-through scalar (the values it gets are coerced already).
 * Null when that is needed and the schema has no such scalar.
 */
function documentToCompile(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode): DocumentNode | null {
  const definitions = operation.variableDefinitions ?? [];
  const needsPassThrough = (d: VariableDefinitionNode) => {
    const type = typeFromAST(schema, d.type);
    const named = type && getNamedType(type);
    return isInputObjectType(named) || isEnumType(named);
  };
  if (!definitions.some(needsPassThrough)) return document;
  if (!passesThrough(schema)) return null;
  const rewritten: OperationDefinitionNode = {
    ...operation,
    variableDefinitions: definitions.map((d) => (needsPassThrough(d) ? { ...d, type: asPassThrough(d.type), defaultValue: undefined } : d)),
  };
  return { ...document, definitions: document.definitions.map((d) => (d === operation ? rewritten : d)) };
}

/** Offsets in `source` of 1-based line/column locations. */
function positionsOf(source: Source, locations: readonly SourceLocation[]): number[] {
  const lineStarts = [0];
  const body = source.body;
  for (let i = 0; i < body.length; i++) {
    const c = body.charCodeAt(i);
    if (c === 10 || (c === 13 && body.charCodeAt(i + 1) !== 10)) lineStarts.push(i + 1);
  }
  return locations.map((l) => (lineStarts[l.line - 1] ?? 0) + l.column - 1);
}

const NON_NULL = 'Cannot return null for non-nullable field ';

/** A graphql-jit error as graphql-js's executor would have raised it. */
function asGraphqlJsError(error: GraphQLError, source: Source | undefined): GraphQLError {
  if (Object.getPrototypeOf(error) === GraphQLError.prototype) return error;
  const raw = error as GraphQLError & { locations?: SourceLocation[] };
  // graphql-js throws a plain Error for a null in a non-null field and wraps it (errors.ts: internal).
  const originalError = raw.originalError ?? (raw.message.startsWith(NON_NULL) ? new Error(raw.message) : undefined);
  return new GraphQLError(raw.message, {
    source: raw.locations?.length ? source : undefined,
    positions: raw.locations?.length && source ? positionsOf(source, raw.locations) : undefined,
    path: raw.path,
    originalError,
    extensions: raw.extensions,
  });
}

/**
 * The compiled operations and how to run them; the plugin's core, also used by the
 * benchmark to execute in-process as the server does.
 */
export function createJitExecutor(options: GraphqlJitOptions = {}) {
  const maxPerSchema = options.maxPerSchema ?? 100;
  const compileAfter = options.compileAfter ?? 2;
  const bySchema = new WeakMap<GraphQLSchema, LRUCache<DocumentNode, Map<string, Seen>>>();

  function compile(schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined): Compiled | null {
    const operation = findOperation(document, operationName);
    if (!operation || operation.operation === 'subscription' || isIntrospection(operation)) return null;
    const compiled = documentToCompile(schema, document, operation);
    if (!compiled) return null;
    const result = compileQuery(schema, compiled, operationName ?? undefined);
    return isCompiledQuery(result) ? { query: result.query, operation } : null;
  }

  function compiled(schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined): Compiled | null {
    let documents = bySchema.get(schema);
    if (!documents) bySchema.set(schema, (documents = new LRUCache({ max: maxPerSchema })));
    let operations = documents.get(document);
    if (!operations) documents.set(document, (operations = new Map()));
    const key = operationName ?? '';
    let seen = operations.get(key);
    if (!seen) operations.set(key, (seen = { uses: 0 }));
    if (seen.compiled !== undefined) return seen.compiled;
    if (++seen.uses < compileAfter) return null;
    return (seen.compiled = compile(schema, document, operationName));
  }

  async function run(jit: Compiled, args: JitExecutionArgs): Promise<ExecutionResult> {
    const coerced = getVariableValues(args.schema, jit.operation.variableDefinitions ?? [], args.variableValues ?? {}, { maxErrors: 50 });
    if (coerced.errors) return { errors: coerced.errors };
    const result = await jit.query(args.rootValue, args.contextValue, coerced.variableValues.coerced);
    if (!result.errors?.length) return result;
    const source = args.document.loc?.source;
    return { ...result, errors: result.errors.map((e) => asGraphqlJsError(e, source)) };
  }

  return {
    /** The compiled execution of `args`' operation, or null when it is not compiled (run the regular executor). */
    prepare(args: Pick<JitExecutionArgs, 'schema' | 'document' | 'operationName'>): ((args: JitExecutionArgs) => Promise<ExecutionResult>) | null {
      const jit = compiled(args.schema, args.document, args.operationName);
      return jit ? (execArgs) => run(jit, execArgs) : null;
    },
  };
}

/** Creates the plugin. */
export function useGraphqlJit(options: GraphqlJitOptions = {}): Plugin {
  const executor = createJitExecutor(options);
  return {
    onExecute({ args, setExecuteFn }) {
      const execute = executor.prepare(args);
      if (execute) setExecuteFn(execute);
    },
  };
}

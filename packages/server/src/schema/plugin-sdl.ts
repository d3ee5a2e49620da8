/**
 * A plugin's GraphQL type definitions (SDL), before they extend a schema: parsed
 * once per plugin, checked at start (checkPluginGraphQL), and fitted to each
 * role's schema (fitExtension). A role's schema lacks the record types it may not
 * read, so a plugin field that names one (its type or an argument's) is left out
 * of that schema, and so are the types that leaves without fields or members,
 * repeatedly until what remains names only types that exist: the role sees the
 * rest of the extension, never a broken schema.
 */
import {
  Kind,
  parse,
  specifiedScalarTypes,
  type DefinitionNode,
  type DocumentNode,
  type FieldDefinitionNode,
  type GraphQLSchema,
  type InputValueDefinitionNode,
  type NamedTypeNode,
  type TypeNode,
} from 'graphql';
import type { AnyPlugin } from '@relata/core/plugin';

const ROOTS = { Query: 'query', Mutation: 'mutation', Subscription: 'subscription' } as const;
const STANDARD_SCALARS = new Set(specifiedScalarTypes.map((t) => t.name));
const parsed = new WeakMap<AnyPlugin, DocumentNode>();

/** The plugin's typeDefs, parsed (once per plugin value). Throws GraphQL's syntax error. */
export function pluginDocument(plugin: AnyPlugin): DocumentNode {
  let document = parsed.get(plugin);
  if (!document) parsed.set(plugin, (document = parse(plugin.graphql!.typeDefs)));
  return document;
}

/** The type a type reference names, lists and non-null stripped. */
const namedType = (type: TypeNode): string => (type.kind === Kind.NAMED_TYPE ? type.name.value : namedType(type.type));

type TypeDefinition = Extract<DefinitionNode, { name: { value: string }; kind: `${string}TypeDefinition` }>;
const isTypeDefinition = (d: DefinitionNode): d is TypeDefinition =>
  d.kind === Kind.OBJECT_TYPE_DEFINITION ||
  d.kind === Kind.INTERFACE_TYPE_DEFINITION ||
  d.kind === Kind.INPUT_OBJECT_TYPE_DEFINITION ||
  d.kind === Kind.UNION_TYPE_DEFINITION ||
  d.kind === Kind.ENUM_TYPE_DEFINITION ||
  d.kind === Kind.SCALAR_TYPE_DEFINITION;
const isObjectLike = (d: DefinitionNode) =>
  d.kind === Kind.OBJECT_TYPE_DEFINITION || d.kind === Kind.OBJECT_TYPE_EXTENSION || d.kind === Kind.INTERFACE_TYPE_DEFINITION || d.kind === Kind.INTERFACE_TYPE_EXTENSION;

/** The output fields the document declares, by type: those resolvers may be given for. */
export function declaredFields(document: DocumentNode): Map<string, Set<string>> {
  const fields = new Map<string, Set<string>>();
  for (const d of document.definitions) {
    if (!isObjectLike(d)) continue;
    const { name, fields: list } = d as { name: { value: string }; fields?: readonly FieldDefinitionNode[] };
    const set = fields.get(name.value) ?? new Set<string>();
    for (const f of list ?? []) set.add(f.name.value);
    fields.set(name.value, set);
  }
  return fields;
}

/** What is wrong with a plugin's `graphql`, in words (empty when nothing is). */
export function checkPluginGraphQL(plugin: AnyPlugin): string[] {
  const graphql = plugin.graphql;
  if (!graphql) return [];
  if (typeof graphql.typeDefs !== 'string') return ['graphql.typeDefs must be a string of GraphQL type definitions (SDL)'];
  let document: DocumentNode;
  try {
    document = pluginDocument(plugin);
  } catch (error) {
    return [`graphql.typeDefs: ${error instanceof Error ? error.message : String(error)}`];
  }
  const problems: string[] = [];
  for (const d of document.definitions) {
    if (d.kind === Kind.SCHEMA_DEFINITION || d.kind === Kind.SCHEMA_EXTENSION) problems.push('graphql.typeDefs may not define or extend the schema itself: extend Query and Mutation');
    if ((d.kind === Kind.OBJECT_TYPE_DEFINITION || d.kind === Kind.OBJECT_TYPE_EXTENSION) && d.name.value === 'Subscription') {
      problems.push('graphql.typeDefs may not add subscriptions (plugins are told of changes by handlers)');
    }
  }
  const declared = declaredFields(document);
  const resolvers = graphql.resolvers ?? {};
  if (typeof resolvers !== 'object') return [...problems, 'graphql.resolvers must be an object: { TypeName: { fieldName: resolver } }'];
  for (const [type, fields] of Object.entries(resolvers)) {
    for (const [field, resolver] of Object.entries(fields ?? {})) {
      if (!declared.get(type)?.has(field)) problems.push(`graphql.resolvers.${type}.${field}: typeDefs declare no field ${type}.${field}`);
      else if (typeof resolver !== 'function') problems.push(`graphql.resolvers.${type}.${field} must be a function`);
    }
  }
  return problems;
}

/** The document fitted to a schema, and what was left out. */
export interface FittedExtension {
  document: DocumentNode;
  /** Fields and types left out because they name types the schema lacks (a role that may not see them). */
  hidden: string[];
  /** Fields and types left out because the schema already has them (the schema's own win). */
  clashes: string[];
}

/** Fits `document` to `schema` (see the module comment). */
export function fitExtension(document: DocumentNode, schema: GraphQLSchema): FittedExtension {
  const hidden: string[] = [];
  const clashes: string[] = [];
  let definitions: DefinitionNode[] = [];
  const rootsMade = new Set<keyof typeof ROOTS>();
  for (const d of document.definitions) {
    if (isTypeDefinition(d) && schema.getType(d.name.value)) {
      clashes.push(`type ${d.name.value}`);
    } else if (d.kind === Kind.OBJECT_TYPE_EXTENSION && d.name.value in ROOTS && !schema.getType(d.name.value) && !rootsMade.has(d.name.value as keyof typeof ROOTS)) {
      // A root type this schema has none of (no mutation a role may make): the extension defines it.
      rootsMade.add(d.name.value as keyof typeof ROOTS);
      definitions.push({ ...d, kind: Kind.OBJECT_TYPE_DEFINITION });
    } else {
      definitions.push(d);
    }
  }

  for (let changed = true; changed; ) {
    changed = false;
    const defined = new Set(definitions.filter(isTypeDefinition).map((d) => d.name.value));
    const exists = (name: string) => STANDARD_SCALARS.has(name) || defined.has(name) || !!schema.getType(name);
    const next: DefinitionNode[] = [];
    for (const d of definitions) {
      const fitted = fitDefinition(d, schema, exists, hidden, clashes);
      if (fitted !== d) changed = true;
      if (fitted) next.push(fitted);
    }
    definitions = next;
  }
  for (const root of rootsMade) {
    if (!definitions.some((d) => d.kind === Kind.OBJECT_TYPE_DEFINITION && d.name.value === root)) continue;
    definitions.push({
      kind: Kind.SCHEMA_EXTENSION,
      operationTypes: [{ kind: Kind.OPERATION_TYPE_DEFINITION, operation: ROOTS[root] as never, type: named(root) }],
    });
  }
  return { document: { kind: Kind.DOCUMENT, definitions }, hidden, clashes };
}

const named = (name: string): NamedTypeNode => ({ kind: Kind.NAMED_TYPE, name: { kind: Kind.NAME, value: name } });

/** One definition fitted: the same node when nothing changes, a smaller one, or null when it goes. */
function fitDefinition(d: DefinitionNode, schema: GraphQLSchema, exists: (name: string) => boolean, hidden: string[], clashes: string[]): DefinitionNode | null {
  const isExtension = d.kind.endsWith('Extension') && d.kind !== Kind.SCHEMA_EXTENSION;
  const name = 'name' in d && d.name ? d.name.value : '';
  if (isExtension && !exists(name)) {
    hidden.push(`extend ${name}`);
    return null;
  }
  switch (d.kind) {
    case Kind.OBJECT_TYPE_DEFINITION:
    case Kind.OBJECT_TYPE_EXTENSION:
    case Kind.INTERFACE_TYPE_DEFINITION:
    case Kind.INTERFACE_TYPE_EXTENSION: {
      const existing = isExtension ? schema.getType(name) : undefined;
      const existingFields = existing && 'getFields' in existing ? existing.getFields() : {};
      const fields = (d.fields ?? []).filter((f) => {
        if (f.name.value in existingFields) {
          clashes.push(`${name}.${f.name.value}`);
          return false;
        }
        const usable = exists(namedType(f.type)) && (f.arguments ?? []).every((a) => exists(namedType(a.type)));
        if (!usable) hidden.push(`${name}.${f.name.value}`);
        return usable;
      });
      const interfaces = (d.interfaces ?? []).filter((i) => exists(i.name.value));
      if (fields.length === (d.fields ?? []).length && interfaces.length === (d.interfaces ?? []).length) return d;
      if (fields.length === 0 && (!isExtension || interfaces.length === 0)) {
        if (!isExtension) hidden.push(`type ${name}`);
        return null;
      }
      return { ...d, fields, interfaces };
    }
    case Kind.INPUT_OBJECT_TYPE_DEFINITION:
    case Kind.INPUT_OBJECT_TYPE_EXTENSION: {
      const unusable = (d.fields ?? []).filter((f) => !exists(namedType(f.type)));
      if (unusable.length === 0) return d;
      // A required input field cannot be left out: the input type goes with it.
      const required = (f: InputValueDefinitionNode) => f.type.kind === Kind.NON_NULL_TYPE && !f.defaultValue;
      const fields = (d.fields ?? []).filter((f) => !unusable.includes(f));
      if (fields.length === 0 || (!isExtension && unusable.some(required))) {
        hidden.push(`input ${name}`);
        return null;
      }
      for (const f of unusable) hidden.push(`${name}.${f.name.value}`);
      return { ...d, fields };
    }
    case Kind.UNION_TYPE_DEFINITION:
    case Kind.UNION_TYPE_EXTENSION: {
      const types = (d.types ?? []).filter((t) => exists(t.name.value));
      if (types.length === (d.types ?? []).length) return d;
      if (types.length === 0) {
        hidden.push(`union ${name}`);
        return null;
      }
      return { ...d, types };
    }
    case Kind.DIRECTIVE_DEFINITION:
      return (d.arguments ?? []).every((a) => exists(namedType(a.type))) ? d : null;
    default:
      return d;
  }
}

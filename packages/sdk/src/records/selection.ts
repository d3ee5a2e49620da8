/**
 * The selection set the records API asks for, built from a record type's
 * GraphQL fields. One builder serves both run-time discovery (introspection
 * JSON) and codegen (a graphql-js schema, read into the same shape), so a typed
 * and an untyped client ask for the same fields.
 *
 * - scalar and enum fields (lists too): selected as they are;
 * - fields with arguments (to-many connections, `history`): left out, they are
 *   pages of their own;
 * - an object with a sibling `<name>Id` scalar (`owner` next to `ownerId`): left
 *   out, the id is there;
 * - a to-one relation (an object with an `id`): `{ id }`;
 *   a polymorphic one (interface or union): `{ __typename ... on Record { id } }`;
 * - any other object (`Money`): its own scalar and enum fields.
 */

/** A GraphQL type reference, as introspection gives it. */
export interface TypeRef {
  kind: string;
  name?: string | null;
  ofType?: TypeRef | null;
}

/** A field of an object type, as introspection gives it. */
export interface FieldInfo {
  name: string;
  args: readonly unknown[];
  type: TypeRef;
}

/** An object type and its fields, as introspection gives it. */
export interface TypeInfo {
  name: string;
  kind?: string;
  fields?: readonly FieldInfo[] | null;
}

/** The innermost named type of a reference (through NON_NULL and LIST). */
export function namedType(ref: TypeRef): TypeRef {
  let current = ref;
  while (current.ofType) current = current.ofType;
  return current;
}

const LEAF_KINDS = new Set(['SCALAR', 'ENUM']);

/**
 * One field of a record's selection, and how it is selected:
 * `leaf` as it is, `polymorphic` as `{ __typename ... on Record { id } }`,
 * `toOne` as `{ id }`, `object` as its own leaf fields (`subfields`).
 * Codegen types each the way it is selected.
 */
export type SelectedField =
  | { kind: 'leaf' | 'polymorphic' | 'toOne'; field: FieldInfo }
  | { kind: 'object'; field: FieldInfo; subfields: FieldInfo[] };

function leafFieldInfos(type: TypeInfo | undefined): FieldInfo[] {
  return (type?.fields ?? []).filter((f) => f.args.length === 0 && LEAF_KINDS.has(namedType(f.type).kind));
}

/** The fields of `type` a record's selection holds, in the type's order; `lookup` finds the other types it names. */
export function selectedFields(type: TypeInfo, lookup: (name: string) => TypeInfo | undefined): SelectedField[] {
  const fields = type.fields ?? [];
  const names = new Set(fields.map((f) => f.name));
  const selected: SelectedField[] = [];
  for (const field of fields) {
    if (field.args.length > 0) continue;
    const named = namedType(field.type);
    if (LEAF_KINDS.has(named.kind)) {
      selected.push({ kind: 'leaf', field });
      continue;
    }
    if (names.has(`${field.name}Id`)) continue;
    if (named.kind === 'INTERFACE' || named.kind === 'UNION') {
      selected.push({ kind: 'polymorphic', field });
      continue;
    }
    const target = named.name ? lookup(named.name) : undefined;
    if (target?.fields?.some((f) => f.name === 'id')) {
      selected.push({ kind: 'toOne', field });
      continue;
    }
    const subfields = leafFieldInfos(target);
    if (subfields.length > 0) selected.push({ kind: 'object', field, subfields });
  }
  return selected;
}

/** The selection of a record of `type` (no braces around it); `lookup` finds the other types it names. */
export function recordSelection(type: TypeInfo, lookup: (name: string) => TypeInfo | undefined): string {
  return selectedFields(type, lookup)
    .map((selected) => {
      const { name } = selected.field;
      switch (selected.kind) {
        case 'leaf':
          return name;
        case 'polymorphic':
          return `${name} { __typename ... on Record { id } }`;
        case 'toOne':
          return `${name} { id }`;
        case 'object':
          return `${name} { ${selected.subfields.map((f) => f.name).join(' ')} }`;
      }
    })
    .join(' ');
}

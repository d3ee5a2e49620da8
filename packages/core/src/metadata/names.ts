/**
 * Names of record types and fields, and every GraphQL name they generate.
 * The generated names are derived here, in core, so that metadata validation can
 * refuse a type or field whose names would clash in the schema the server builds.
 * (These are plain strings: core does not import graphql.)
 */

/** camelCase: a lower-case letter, then letters and digits. */
export const API_NAME_PATTERN = /^[a-z][a-zA-Z0-9]*$/;
/** Longest apiName; keeps every generated name and index name within limits. */
export const API_NAME_MAX_LENGTH = 50;

/** Fields every record has; no custom field may take these names. */
export const SYSTEM_FIELD_NAMES = ['id', 'createdAt', 'updatedAt', 'version', 'deletedAt', 'owner', 'ownerId'] as const;

/** Field names that are words of the API itself (filter combinators, GraphQL internals). */
const RESERVED_FIELD_NAMES = new Set<string>([...SYSTEM_FIELD_NAMES, 'and', 'or', 'not', 'history', 'cursor', 'node', 'type', 'record']);

/** Type names used by the API itself. */
const RESERVED_TYPE_NAMES = new Set<string>([
  'objectType', 'fieldDef', 'field', 'fieldType', 'record', 'node', 'query', 'mutation', 'subscription',
  'workspace', 'member', 'apiKey', 'role', 'webhook', 'search', 'searchHit', 'recordEvent', 'eventKind',
  'actor', 'history', 'pageInfo', 'money', 'json', 'date', 'dateTime', 'boolean', 'string', 'int', 'float',
  'id', 'health', 'me', 'viewer', 'orderDirection',
]);

/** Reasons a name is not acceptable, or null when it is. */
export function checkApiName(name: unknown, kind: 'type' | 'field'): { code: string; message: string } | null {
  if (typeof name !== 'string' || name.length === 0) return { code: 'REQUIRED', message: 'is required' };
  if (name.length > API_NAME_MAX_LENGTH) {
    return { code: 'TOO_LONG', message: `must be at most ${API_NAME_MAX_LENGTH} characters` };
  }
  if (!API_NAME_PATTERN.test(name)) {
    return { code: 'INVALID_NAME', message: 'must be camelCase: a lower-case letter, then letters and digits' };
  }
  const reserved = kind === 'type' ? RESERVED_TYPE_NAMES : RESERVED_FIELD_NAMES;
  if (reserved.has(name)) return { code: 'RESERVED_NAME', message: `"${name}" is reserved by the API` };
  return null;
}

/** `lineItem` → `LineItem`. */
export function pascalCase(apiName: string): string {
  return apiName.charAt(0).toUpperCase() + apiName.slice(1);
}

/** The GraphQL type names one record type generates. */
export function typeNames(apiName: string) {
  const base = pascalCase(apiName);
  return {
    object: base,
    connection: `${base}Connection`,
    edge: `${base}Edge`,
    filter: `${base}Filter`,
    orderBy: `${base}OrderBy`,
    createInput: `${base}CreateInput`,
    updateInput: `${base}UpdateInput`,
    updateItem: `${base}UpdateItem`,
    uniqueMatch: `${base}UniqueMatch`,
    /** `{ some, every, none }`: conditions on a to-many relation's records of this type. */
    listRelationFilter: `${base}ListRelationFilter`,
    /** A change event whose record is of this type (the `<type>Events` subscription). */
    event: `${base}Event`,
  };
}

/** The GraphQL name of a choice field's enum and of its filter input. */
export function choiceTypeNames(typeApiName: string, fieldApiName: string) {
  const base = `${pascalCase(typeApiName)}${pascalCase(fieldApiName)}`;
  return { enum: base, filter: `${base}Filter` };
}

/** The GraphQL union of a polymorphic relation's targets: `note.parent` → `NoteParentTarget`. */
export function relationUnionName(typeApiName: string, fieldApiName: string): string {
  return `${pascalCase(typeApiName)}${pascalCase(fieldApiName)}Target`;
}

/** The root query and mutation field names one record type generates. */
export function operationNames(apiName: string, pluralApiName: string) {
  const one = pascalCase(apiName);
  return {
    get: apiName,
    list: pluralApiName,
    create: `create${one}`,
    update: `update${one}`,
    delete: `delete${one}`,
    restore: `restore${one}`,
    destroy: `destroy${one}`,
    createMany: `create${pascalCase(pluralApiName)}`,
    updateMany: `update${pascalCase(pluralApiName)}`,
    upsert: `upsert${one}`,
    /** The subscription to this type's change events. */
    events: `${apiName}Events`,
  };
}

/** The input key of a reference field: `company` → `companyId`. */
export function referenceInputName(fieldApiName: string): string {
  return `${fieldApiName}Id`;
}

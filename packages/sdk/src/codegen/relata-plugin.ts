/**
 * Relata's graphql-codegen plugin: after the typescript plugin's types, it writes
 * what joins them to the records API (records/types.ts):
 *
 * - one `<Type>Record` per record type: the fields `recordSelection()` selects,
 *   typed as the records API returns them (money as `{ amount, currency }`, a
 *   to-one relation as `{ id }`, a polymorphic one as `{ __typename, id }`);
 * - `RelataRecordTypeMap`: each record type's record, inputs, filter and order;
 * - `recordTypes`: the descriptors createClient needs at run time.
 *
 * Names go through the typescript plugin's own naming (TsVisitor.convertName),
 * so they match the types it wrote whatever its naming convention.
 */
import type { CodegenPlugin, PluginFunction, Types } from '@graphql-codegen/plugin-helpers';
import { TsVisitor, type TypeScriptPluginConfig } from '@graphql-codegen/typescript';
import type { FieldInfo, SelectedField, TypeRef } from '../records/selection.ts';
import { findRecordTypes, type RecordTypeInfo } from './record-types.ts';

/** The plugin's config (the typescript plugin's, plus where `defineRecordTypes` is imported from). */
export interface RelataPluginConfig extends TypeScriptPluginConfig {
  /** The module `defineRecordTypes` is imported from. @default '@relata/sdk' */
  importFrom?: string;
}

/** TypeScript types of the built-in scalars (custom ones come from the `scalars` config, else `unknown`). */
const BUILT_IN_SCALARS: { [name: string]: string } = { ID: 'string', String: 'string', Boolean: 'boolean', Int: 'number', Float: 'number' };

/** A JSDoc comment at `indent`, or nothing for an empty text. */
function docComment(text: string | null | undefined, indent = ''): string {
  const lines = (text ?? '').trim().replaceAll('*/', '*\\/').split('\n');
  if (lines.length === 1 && !lines[0]) return '';
  if (lines.length === 1) return `${indent}/** ${lines[0]} */\n`;
  return `${indent}/**\n${lines.map((line) => `${indent} *${line ? ` ${line}` : ''}`).join('\n')}\n${indent} */\n`;
}

/** A string literal in the single quotes the rest of the file uses. */
function quote(value: string): string {
  return `'${value.replaceAll('\\', '\\\\').replaceAll("'", "\\'").replaceAll('\n', '\\n')}'`;
}

/** A property key: bare when it is an identifier. */
function key(name: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? name : quote(name);
}

function description(field: FieldInfo): string | null {
  return (field as FieldInfo & { description?: string | null }).description ?? null;
}

/** Renders the records-API side of the schema's record types. */
class RecordTypesWriter {
  constructor(
    private readonly scalars: { [name: string]: string },
    private readonly name: (graphqlName: string) => string,
  ) {}

  /** A type reference as TypeScript: `| null` unless non-null, lists as `Array<...>`, `leaf` for the named type. */
  private typeOf(ref: TypeRef, leaf: (named: TypeRef) => string): string {
    if (ref.kind === 'NON_NULL' && ref.ofType) return this.nonNull(ref.ofType, leaf);
    const type = this.nonNull(ref, leaf);
    return type === 'unknown' ? type : `${type} | null`;
  }

  private nonNull(ref: TypeRef, leaf: (named: TypeRef) => string): string {
    if (ref.kind === 'LIST' && ref.ofType) return `Array<${this.typeOf(ref.ofType, leaf)}>`;
    return leaf(ref);
  }

  /** A scalar or enum as TypeScript: enums are the typescript plugin's string unions. */
  private readonly leaf = (named: TypeRef): string => {
    const graphqlName = named.name ?? '';
    if (named.kind === 'ENUM') return this.name(graphqlName);
    return BUILT_IN_SCALARS[graphqlName] ?? this.scalars[graphqlName] ?? 'unknown';
  };

  private fieldType(selected: SelectedField): string {
    switch (selected.kind) {
      case 'leaf':
        return this.typeOf(selected.field.type, this.leaf);
      case 'toOne':
        return this.typeOf(selected.field.type, () => '{ id: string }');
      case 'polymorphic':
        return this.typeOf(selected.field.type, () => '{ __typename: string; id: string }');
      case 'object': {
        const members = selected.subfields.map((f) => `${key(f.name)}: ${this.typeOf(f.type, this.leaf)}`).join('; ');
        return this.typeOf(selected.field.type, () => `{ ${members} }`);
      }
    }
  }

  recordTypeName(type: RecordTypeInfo): string {
    return this.name(`${type.typeName}Record`);
  }

  /** `export type InvoiceRecord = { ... };` */
  record(type: RecordTypeInfo): string {
    const intro = `${type.description ? `${type.description.trim()}\n\n` : ''}What \`client.records('${type.apiName}')\` returns: ${type.typeName}'s values and\nto-one relations (query to-many relations and history with client.request).`;
    const members = type.fields.map((selected) => `${docComment(description(selected.field), '  ')}  ${key(selected.field.name)}: ${this.fieldType(selected)};\n`).join('');
    return `${docComment(intro)}export type ${this.recordTypeName(type)} = {\n${members}};\n`;
  }

  /** `export type RelataRecordTypeMap = { ... };` */
  map(types: readonly RecordTypeInfo[]): string {
    const input = (graphqlName: string | null) => (graphqlName ? this.name(graphqlName) : 'never');
    const entries = types.map((type) => {
      const shape = [
        `record: ${this.recordTypeName(type)}`,
        `create: ${input(type.inputs.create)}`,
        `update: ${input(type.inputs.update)}`,
        `filter: ${input(type.inputs.filter)}`,
        `orderBy: ${input(type.inputs.orderBy)}`,
        `match: ${input(type.inputs.match)}`,
      ];
      return `  ${key(type.apiName)}: {\n${shape.map((line) => `    ${line};\n`).join('')}  };\n`;
    });
    const doc = [
      "The workspace's record types by apiName: what `client.records(apiName)` takes and",
      "returns for each (`never`: the token's role may not use that operation).",
    ].join('\n');
    return `${docComment(doc)}export type RelataRecordTypeMap = {\n${entries.join('')}};\n`;
  }

  /** `export const recordTypes = defineRecordTypes<RelataRecordTypeMap>({ ... });` */
  descriptors(types: readonly RecordTypeInfo[]): string {
    const entries = types.map((type) => {
      const props = [
        `apiName: ${quote(type.apiName)}`,
        `pluralApiName: ${quote(type.pluralApiName)}`,
        `typeName: ${quote(type.typeName)}`,
        `selection: ${quote(type.selection)}`,
      ];
      return `  ${key(type.apiName)}: {\n${props.map((line) => `    ${line},\n`).join('')}  },\n`;
    });
    const doc = [
      'What createClient needs at run time to query each record type; typed with',
      'RelataRecordTypeMap: `createClient({ url, token, recordTypes })`.',
    ].join('\n');
    return `${docComment(doc)}export const recordTypes = defineRecordTypes<RelataRecordTypeMap>({\n${entries.join('')}});\n`;
  }
}

/** The plugin function (graphql-codegen's `pluginMap` takes `{ plugin }`). */
export const plugin: PluginFunction<RelataPluginConfig, Types.ComplexPluginOutput> = (schema, _documents, config) => {
  const visitor = new TsVisitor(schema, config);
  const name = (graphqlName: string) => visitor.convertName(graphqlName);
  const scalars: { [name: string]: string } = {};
  for (const [scalar, mapped] of Object.entries(config.scalars ?? {})) if (typeof mapped === 'string') scalars[scalar] = mapped;
  const writer = new RecordTypesWriter(scalars, name);

  const types = findRecordTypes(schema);
  for (const type of types) {
    const clash = `${type.typeName}Record`;
    if (schema.getType(clash)) {
      throw new Error(`Record type "${type.apiName}" would get a type ${clash}, but the schema already has a type of that name.`);
    }
  }
  const content = [...types.map((type) => writer.record(type)), writer.map(types), writer.descriptors(types)].join('\n');
  return {
    prepend: [`import { defineRecordTypes } from ${quote(config.importFrom ?? '@relata/sdk')};\n`],
    content: `\n${content}`,
  };
};

/** Relata's plugin as graphql-codegen's `pluginMap` takes it. */
export const relataPlugin: CodegenPlugin<RelataPluginConfig> = { plugin };

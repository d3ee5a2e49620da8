/**
 * `@relata/sdk/codegen` (Node only): what `relata codegen` runs. Reads a
 * workspace's schema by introspection and writes TypeScript for it: the
 * schema's types (graphql-codegen's typescript plugin), one `<Type>Record` per
 * record type, `RelataRecordTypeMap` and `recordTypes`, which type
 * `client.records(...)` with the workspace's own fields.
 *
 * ```ts
 * import { writeWorkspaceTypes } from '@relata/sdk/codegen';
 * await writeWorkspaceTypes({ url: 'http://localhost:4000/graphql', token: process.env.RELATA_TOKEN!, out: 'src/generated' });
 * ```
 *
 * @module @relata/sdk/codegen
 */
export {
  describeWritten,
  GENERATED_FILE_NAME,
  GENERATED_HEADER,
  generateTypesFromSchema,
  generateWorkspaceTypes,
  generateWorkspaceTypesWithInfo,
  writeWorkspaceTypes,
  type GeneratedTypes,
  type GenerateWorkspaceTypesOptions,
  type TypesOptions,
  type WrittenTypes,
  type WriteWorkspaceTypesOptions,
} from './generate.ts';
export { CodegenError, fetchIntrospection, fetchWorkspaceSchema, type FetchSchemaOptions } from './introspect.ts';
export { findRecordTypes, type RecordTypeInfo } from './record-types.ts';
export type { FieldInfo, SelectedField, TypeInfo, TypeRef } from '../records/selection.ts';
export { relataPlugin, type RelataPluginConfig } from './relata-plugin.ts';

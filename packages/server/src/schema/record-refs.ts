/**
 * What the parts of one record type's API share: references to every record
 * type's GraphQL types (made before any is implemented, so relations can point at
 * each other in any order), and the list arguments of root and nested lists.
 */
import {
  choiceTypeNames,
  fieldType,
  referenceInputName,
  storedFields,
  typeNames,
  valueShapeOf,
  type FieldMeta,
  type ListArgs,
  type ObjectTypeMeta,
  type RecordPage,
  type RecordRow,
  type RolePolicy,
  type WorkspaceMetadata,
} from '@relata/core';
import type { GraphQLResolveInfo } from 'graphql';
import type { ArgBuilder as PothosArgBuilder } from '@pothos/core';
import type { Builder, BuilderTypes } from './builder.ts';
import type { Renames } from './graphql-names.ts';
import { selectsField } from './selection.ts';
import type { SharedTypes } from './shared-types.ts';

/** References to a type's object, connection, filter and order inputs. */
export function typeRefs(builder: Builder, type: ObjectTypeMeta) {
  const names = typeNames(type.apiName);
  return {
    object: builder.objectRef<RecordRow>(names.object),
    connection: builder.objectRef<RecordPage>(names.connection),
    filter: builder.inputRef<object>(names.filter),
    listRelationFilter: builder.inputRef<object>(names.listRelationFilter),
    orderBy: builder.inputRef<object>(names.orderBy),
    /** GraphQL key → engine key of the type's to-one relation inputs (`companyId` → `company`). */
    renames: new Map(
      storedFields(type.fields)
        .filter((f) => valueShapeOf(f).kind === 'reference')
        .map((f) => [referenceInputName(f.apiName), f.apiName]),
    ) as Renames,
  };
}
export type TypeRefs = ReturnType<typeof typeRefs>;

/** What the actor's roles allow on one record type, as its API shows it. */
export interface TypeAccess {
  create: boolean;
  update: boolean;
  delete: boolean;
  /** A write may name this field. */
  writable(field: FieldMeta): boolean;
}

/** Everything the builders of one record type's API need. */
export interface RecordTypeContext {
  builder: Builder;
  /** The metadata as the actor sees it. */
  metadata: WorkspaceMetadata;
  type: ObjectTypeMeta;
  access: TypeAccess;
  shared: SharedTypes;
  refs: Map<string, TypeRefs>;
  own: TypeRefs;
  /** The enum of a choice field; undefined for other fields. */
  enumOf(field: FieldMeta): ReturnType<SharedTypes['choiceEnum']> | undefined;
}

/** The context of `type`'s API. */
export function recordTypeContext(
  builder: Builder,
  policy: RolePolicy,
  type: ObjectTypeMeta,
  shared: SharedTypes,
  refs: Map<string, TypeRefs>,
): RecordTypeContext {
  return {
    builder,
    metadata: policy.view,
    type,
    access: {
      create: policy.access(type.id, 'create') !== 'none',
      update: policy.access(type.id, 'update') !== 'none',
      delete: policy.access(type.id, 'delete') !== 'none',
      writable: (field) => policy.writable(type, field),
    },
    shared,
    refs,
    own: refs.get(type.apiName)!,
    enumOf: (field) =>
      fieldType(field.type).graphql.value.kind === 'choice'
        ? shared.choiceEnum(choiceTypeNames(type.apiName, field.apiName).enum, field)
        : undefined,
  };
}

type ArgBuilder = PothosArgBuilder<PothosSchemaTypes.ExtendDefaultTypes<BuilderTypes>>;

/** The arguments of every list: the root query and each nested connection. */
export function listArgs(arg: ArgBuilder, refs: TypeRefs) {
  return {
    filter: arg({ type: refs.filter }),
    orderBy: arg({ type: [refs.orderBy] }),
    first: arg.int(),
    after: arg.string(),
    last: arg.int(),
    before: arg.string(),
  };
}

/** The engine's list arguments from a list field's GraphQL arguments. */
export function toListArgs(args: Record<string, unknown>, info: GraphQLResolveInfo): ListArgs {
  return {
    filter: args.filter as Record<string, unknown> | null,
    orderBy: args.orderBy as ListArgs['orderBy'],
    first: args.first as number | null,
    after: args.after as string | null,
    last: args.last as number | null,
    before: args.before as string | null,
    includeDeleted: args.includeDeleted as boolean | null,
    totalCount: selectsField(info, 'totalCount'),
  };
}

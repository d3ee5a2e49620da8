/**
 * Adding, changing and deleting fields, with the data and index work each one
 * needs: backfilling a new required field, re-checking stored values when a type
 * or its options change, and rebuilding the field's index.
 */
import type { Actor } from '../access/actor.ts';
import type { Database } from '../db/database.ts';
import { FieldErrorCollector, NotFoundError, ValidationError } from '../errors.ts';
import type { FieldMeta } from '../fields/types.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import { newId } from '../ids.ts';
import {
  buildIndex,
  checkClashes,
  checkNotPluginOwned,
  holdsData,
  optionsContext,
  rebuildSearchVectors,
  toFieldRow,
  type ChangeOptions,
  type FieldQuery,
  type RunChange,
  type Tx,
} from './change-context.ts';
import type { WorkspaceMetadata } from './workspace-metadata.ts';
import { resolveFieldDefinition, type FieldInput } from './field-definition.ts';
import { inverseFieldsFor, nextPosition, relationOwner, relationSides } from './relation-pairs.ts';
import { relationShape } from '../fields/relation.ts';
import { dropFieldIndex, fieldExpr } from './record-indexes.ts';
import { checkStoredValues } from './stored-values.ts';

/** Changes to a field; apiName is its identity and does not change. */
export type FieldUpdate = { [K in Exclude<keyof FieldInput, 'apiName'>]?: FieldInput[K] | null };

/** The steps of the field changes, each inside a change's transaction (see `batch`). */
export const fieldSteps = {
  async createField(tx: Tx, current: WorkspaceMetadata, actor: Actor, objectType: string, input: FieldInput, opts: ChangeOptions = {}): Promise<string> {
    const type = current.get(objectType);
    const errors = new FieldErrorCollector();
    const resolved = resolveFieldDefinition(input, optionsContext(current), errors);
    if (resolved && type.fields.some((f) => f.apiName === input.apiName)) {
      errors.add('input.apiName', 'ALREADY_EXISTS', `field "${input.apiName}" already exists on "${objectType}"`);
    }
    errors.throwIfAny();
    if (!resolved) throw new ValidationError(errors.errors);
    const after = current.objectTypes.map((t) =>
      t.id === type.id ? { ...t, fields: [...t.fields, { apiName: resolved.apiName, type: resolved.type, options: resolved.options }] } : t,
    );
    checkClashes(after, errors, 'input.apiName');
    errors.throwIfAny();

    const field: FieldMeta = {
      ...resolved,
      id: newId(),
      source: opts.source ?? 'custom',
      position: nextPosition(type.fields),
    };
    // A relation gets its inverse side(s) on the target(s), in this same change.
    const inverses = inverseFieldsFor(current, type, field, errors);
    errors.throwIfAny();
    if (inverses.length > 0) {
      const withAll = after.map((t) => ({ ...t, fields: [...t.fields, ...inverses.filter((i) => i.typeId === t.id).map((i) => i.field)] }));
      checkClashes(withAll, errors, 'input.options.inverseApiName');
      errors.throwIfAny();
    }
    if (field.required && (await holdsData(tx, actor.workspaceId, type.id))) {
      if (field.defaultValue === null) {
        throw new ValidationError([
          { field: 'input.defaultValue', code: 'REQUIRED', message: 'a required field on a type with records needs a default value to fill them' },
        ]);
      }
      await tx.$executeRawUnsafe(
        `UPDATE "record" SET "data" = jsonb_set("data", ARRAY[$3], $4::jsonb) ` +
          `WHERE "workspace_id" = $1::uuid AND "object_type_id" = $2::uuid AND NOT jsonb_exists("data", $3)`,
        actor.workspaceId,
        type.id,
        field.apiName,
        JSON.stringify(field.defaultValue),
      );
    }
    await tx.fieldDef.create({ data: toFieldRow(actor.workspaceId, type.id, field) });
    for (const inverse of inverses) await tx.fieldDef.create({ data: toFieldRow(actor.workspaceId, inverse.typeId, inverse.field) });
    if (field.searchable) await rebuildSearchVectors(tx, actor.workspaceId, type.id, [...type.fields, field]);
    await buildIndex(tx, type.id, field, errors, 'input');
    return field.id;
  },

  async updateField(tx: Tx, current: WorkspaceMetadata, actor: Actor, objectType: string, apiName: string, input: FieldUpdate): Promise<string> {
    const type = current.get(objectType);
    const stored = type.fields.find((f) => f.apiName === apiName);
    if (!stored) throw new NotFoundError(`No field "${apiName}" on "${objectType}"`, { field: apiName });
    const errors = new FieldErrorCollector();
    const merged: FieldInput = {
      apiName,
      type: input.type ?? stored.type,
      label: input.label ?? stored.label,
      description: input.description !== undefined ? input.description : stored.description,
      required: input.required ?? stored.required,
      unique: input.unique ?? stored.unique,
      indexed: input.indexed ?? stored.indexed,
      searchable: input.searchable ?? stored.searchable,
      defaultValue: input.defaultValue !== undefined ? input.defaultValue : stored.defaultValue,
      options: input.options !== undefined ? input.options : stored.options,
    };
    const resolved = resolveFieldDefinition(merged, optionsContext(current), errors);
    errors.throwIfAny();
    if (!resolved) throw new ValidationError(errors.errors);
    const field: FieldMeta = { ...resolved, id: stored.id, source: stored.source, position: stored.position };
    if (field.type === 'RELATION' && stored.type !== 'RELATION' && relationShape(field).kind !== 'toOne') {
      errors.add('input.options.kind', 'UNSUPPORTED', 'only a to-one relation can be made from an existing field; create a new field');
    }
    if (stored.type === 'RELATION' && relationSides(current, type, stored).length > 0) {
      // Either side of a relation keeps its target, kind and flags; only names and descriptions change.
      const changed = (['type', 'options', 'required', 'unique', 'indexed', 'searchable', 'defaultValue'] as const).filter(
        (key) => JSON.stringify(field[key]) !== JSON.stringify(stored[key]),
      );
      for (const key of changed) {
        errors.add(`input.${key}`, 'UNSUPPORTED', 'cannot change on a relation; delete the relation and create it again');
      }
      errors.throwIfAny();
    }
    const after = current.objectTypes.map((t) =>
      t.id === type.id ? { ...t, fields: t.fields.map((f) => (f.id === field.id ? field : f)) } : t,
    );
    checkClashes(after, errors, 'input.type');
    errors.throwIfAny();

    const valuesChange = field.type !== stored.type || JSON.stringify(field.options) !== JSON.stringify(stored.options);
    const indexChanged =
      valuesChange || field.indexed !== stored.indexed || field.unique !== stored.unique || fieldExpr(field) !== fieldExpr(stored);
    // The old index goes first: re-normalised values (TEXT → EMAIL lower-cases) may collide
    // under it; the new index, built below, reports such duplicates as DUPLICATE_VALUES.
    if (indexChanged) await dropFieldIndex((sql) => tx.$executeRawUnsafe(sql), field.id);
    if (valuesChange) await checkStoredValues(tx, actor.workspaceId, type.id, stored, field, errors);
    if (field.required && !stored.required) {
      const missing = await tx.$queryRawUnsafe<Array<{ n: number }>>(
        `SELECT count(*)::int AS n FROM "record" WHERE "workspace_id" = $1::uuid AND "object_type_id" = $2::uuid ` +
          `AND NOT jsonb_exists("data", $3)`,
        actor.workspaceId,
        type.id,
        field.apiName,
      );
      const n = missing[0]?.n ?? 0;
      if (n > 0) errors.add('input.required', 'MISSING_VALUES', `${n} records have no value for this field`);
    }
    errors.throwIfAny();

    await tx.fieldDef.update({ where: { workspaceId_id: { workspaceId: actor.workspaceId, id: field.id } }, data: toFieldRow(actor.workspaceId, type.id, field) });
    // Vectors change when the field joins or leaves the search, or when its values were rewritten.
    if (stored.searchable !== field.searchable || (field.searchable && valuesChange)) {
      await rebuildSearchVectors(tx, actor.workspaceId, type.id, type.fields.map((f) => (f.id === field.id ? field : f)));
    }
    if (indexChanged) await buildIndex(tx, type.id, field, errors, 'input');
    return field.id;
  },

  async deleteField(tx: Tx, current: WorkspaceMetadata, actor: Actor, objectType: string, apiName: string, opts: { force?: boolean } = {}): Promise<void> {
    const type = current.get(objectType);
    const named = type.fields.find((f) => f.apiName === apiName);
    if (!named) throw new NotFoundError(`No field "${apiName}" on "${objectType}"`, { field: apiName });
    // The sides of a relation go together; the owning side holds the values (in `data`, or links).
    const sides = relationSides(current, type, named);
    const { type: storedType, field } = relationOwner(current, type, named) ?? { type, field: named };
    const links = field.type === 'RELATION' && relationShape(field).kind === 'links';
    const hasValues = links
      ? (await tx.recordLink.count({ where: { workspaceId: actor.workspaceId, fieldId: field.id }, take: 1 })) > 0
      : await holdsData(tx, actor.workspaceId, storedType.id, field.apiName);
    if (hasValues && !opts.force) {
      const what = links ? 'links records' : 'holds values';
      throw new ValidationError([
        { field: 'force', code: 'HOLDS_DATA', message: `field "${storedType.apiName}.${field.apiName}" ${what}; pass force: true to delete them with it` },
      ]);
    }
    await dropFieldIndex((sql) => tx.$executeRawUnsafe(sql), field.id);
    if (hasValues && !links) {
      await tx.$executeRawUnsafe(
        'UPDATE "record" SET "data" = "data" - $3 WHERE "workspace_id" = $1::uuid AND "object_type_id" = $2::uuid AND jsonb_exists("data", $3)',
        actor.workspaceId,
        storedType.id,
        field.apiName,
      );
    }
    // Links go with their field (a foreign key with ON DELETE CASCADE).
    for (const gone of sides.length > 0 ? sides.map((s) => s.field) : [named]) {
      await tx.fieldDef.delete({ where: { workspaceId_id: { workspaceId: actor.workspaceId, id: gone.id } } });
    }
    if (field.searchable) {
      await rebuildSearchVectors(tx, actor.workspaceId, storedType.id, storedType.fields.filter((f) => f.id !== field.id));
    }
  },
};

/** The field changes, run through `change`. */
export function createFieldChanges(db: Database, change: RunChange) {
  return {
    /** Adds a field to a record type. */
    async createField(actor: Actor, objectType: string, input: FieldInput, opts: ChangeOptions & FieldQuery = {}) {
      const id = await change(actor, (tx, current) => fieldSteps.createField(tx, current, actor, objectType, input, opts));
      return db.prisma.fieldDef.findUniqueOrThrow({ where: { workspaceId_id: { workspaceId: actor.workspaceId, id } }, include: opts.include, select: opts.select } as Prisma.FieldDefFindUniqueOrThrowArgs);
    },

    /**
     * Changes a field. A new type or new options must accept every value already
     * stored (values are re-normalised in place, e.g. TEXT → EMAIL lower-cases);
     * otherwise the change is refused and nothing changes.
     */
    async updateField(actor: Actor, objectType: string, apiName: string, input: FieldUpdate, opts: FieldQuery = {}) {
      const id = await change(actor, (tx, current) => {
        const stored = current.get(objectType).fields.find((f) => f.apiName === apiName);
        const structural = Object.entries(input).some(([key, value]) => value !== undefined && key !== 'label' && key !== 'description');
        if (stored && structural) checkNotPluginOwned(current, stored.source, `Field "${objectType}.${apiName}"`);
        return fieldSteps.updateField(tx, current, actor, objectType, apiName, input);
      });
      return db.prisma.fieldDef.findUniqueOrThrow({ where: { workspaceId_id: { workspaceId: actor.workspaceId, id } }, include: opts.include, select: opts.select } as Prisma.FieldDefFindUniqueOrThrowArgs);
    },

    /** Deletes a field. One that holds values needs `force`, which removes them from every record. */
    async deleteField(actor: Actor, objectType: string, apiName: string, opts: { force?: boolean } = {}) {
      await change(actor, (tx, current) => {
        const stored = current.get(objectType).fields.find((f) => f.apiName === apiName);
        if (stored) checkNotPluginOwned(current, stored.source, `Field "${objectType}.${apiName}"`);
        return fieldSteps.deleteField(tx, current, actor, objectType, apiName, opts);
      });
      return true;
    },
  };
}

/**
 * Creating, changing and deleting record types. A type is created empty; its
 * fields are added with the field changes.
 */
import type { Actor } from '../access/actor.ts';
import type { Database } from '../db/database.ts';
import { FieldErrorCollector, ValidationError } from '../errors.ts';
import { derivedFrom } from '../fields/index.ts';
import { relationTargets } from '../fields/relation.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import { newId } from '../ids.ts';
import { checkClashes, checkNotPluginOwned, holdsData, type ChangeOptions, type ObjectTypeQuery, type RunChange, type Tx } from './change-context.ts';
import type { WorkspaceMetadata } from './workspace-metadata.ts';
import { labelFromApiName } from './field-definition.ts';
import { checkApiName } from './names.ts';
import { dropFieldIndex } from './record-indexes.ts';

/** A new record type. */
export interface ObjectTypeInput {
  apiName: string;
  pluralApiName: string;
  label?: string | null;
  description?: string | null;
}

/** Changes to a record type; apiName is its identity and does not change. */
export interface ObjectTypeUpdate {
  pluralApiName?: string | null;
  label?: string | null;
  description?: string | null;
}

/** The steps of the record type changes, each inside a change's transaction (see `batch`). */
export const objectTypeSteps = {
  async createObjectType(tx: Tx, current: WorkspaceMetadata, actor: Actor, input: ObjectTypeInput, opts: ChangeOptions = {}): Promise<string> {
    const errors = new FieldErrorCollector();
    const nameProblem = checkApiName(input.apiName, 'type');
    if (nameProblem) errors.add('input.apiName', nameProblem.code, nameProblem.message);
    const pluralProblem = checkApiName(input.pluralApiName, 'type');
    if (pluralProblem) errors.add('input.pluralApiName', pluralProblem.code, pluralProblem.message);
    if (!nameProblem && current.find(input.apiName)) {
      errors.add('input.apiName', 'ALREADY_EXISTS', `a record type "${input.apiName}" already exists`);
    }
    errors.throwIfAny();
    checkClashes([...current.objectTypes, { ...input, fields: [] }], errors, 'input.apiName');
    errors.throwIfAny();
    const created = await tx.objectType.create({
      data: {
        id: newId(),
        workspaceId: actor.workspaceId,
        apiName: input.apiName,
        pluralApiName: input.pluralApiName,
        label: input.label?.trim() || labelFromApiName(input.apiName),
        description: input.description ?? null,
        source: opts.source ?? 'custom',
      },
    });
    return created.id;
  },

  async updateObjectType(tx: Tx, current: WorkspaceMetadata, actor: Actor, apiName: string, input: ObjectTypeUpdate): Promise<string> {
    const type = current.get(apiName);
    const errors = new FieldErrorCollector();
    const pluralApiName = input.pluralApiName ?? type.pluralApiName;
    const pluralProblem = checkApiName(pluralApiName, 'type');
    if (pluralProblem) errors.add('input.pluralApiName', pluralProblem.code, pluralProblem.message);
    errors.throwIfAny();
    const after = current.objectTypes.map((t) => (t.id === type.id ? { ...t, pluralApiName } : t));
    checkClashes(after, errors, 'input.pluralApiName');
    errors.throwIfAny();
    await tx.objectType.update({
      where: { workspaceId_id: { workspaceId: actor.workspaceId, id: type.id } },
      data: {
        pluralApiName,
        ...(input.label?.trim() ? { label: input.label.trim() } : {}),
        ...(input.description !== undefined ? { description: input.description } : {}),
      },
    });
    return type.id;
  },

  async deleteObjectType(tx: Tx, current: WorkspaceMetadata, actor: Actor, apiName: string, opts: { force?: boolean } = {}): Promise<void> {
    const type = current.get(apiName);
    const referrers = current.objectTypes.flatMap((t) =>
      t.id === type.id
        ? []
        : t.fields.filter((f) => !derivedFrom(f) && relationTargets(f).includes(apiName)).map((f) => `${t.apiName}.${f.apiName}`),
    );
    if (referrers.length > 0) {
      throw new ValidationError([
        {
          field: 'apiName',
          code: 'REFERENCED',
          message: `relation fields point at this type: ${referrers.join(', ')}; delete them first`,
        },
      ]);
    }
    if (!opts.force && (await holdsData(tx, actor.workspaceId, type.id))) {
      throw new ValidationError([
        { field: 'force', code: 'HOLDS_DATA', message: `record type "${apiName}" has records; pass force: true to delete them with it` },
      ]);
    }
    for (const field of type.fields) await dropFieldIndex((sql) => tx.$executeRawUnsafe(sql), field.id);
    await tx.$executeRawUnsafe(
      'DELETE FROM "record" WHERE "workspace_id" = $1::uuid AND "object_type_id" = $2::uuid',
      actor.workspaceId,
      type.id,
    );
    // Inverse sides of this type's relations live on other types: they go with it.
    for (const other of current.objectTypes) {
      for (const f of other.fields) {
        if (other.id !== type.id && derivedFrom(f)?.type === type.apiName) {
          await tx.fieldDef.delete({ where: { workspaceId_id: { workspaceId: actor.workspaceId, id: f.id } } });
        }
      }
    }
    await tx.objectType.delete({ where: { workspaceId_id: { workspaceId: actor.workspaceId, id: type.id } } });
  },
};

/** The objectType changes, run through `change`. */
export function createObjectTypeChanges(db: Database, change: RunChange) {
  return {
    /** Creates a record type (with no fields; add them with createField). */
    async createObjectType(actor: Actor, input: ObjectTypeInput, opts: ChangeOptions & ObjectTypeQuery = {}) {
      const id = await change(actor, (tx, current) => objectTypeSteps.createObjectType(tx, current, actor, input, opts));
      return db.prisma.objectType.findUniqueOrThrow({ where: { workspaceId_id: { workspaceId: actor.workspaceId, id } }, include: opts.include, select: opts.select } as Prisma.ObjectTypeFindUniqueOrThrowArgs);
    },

    /** Changes a record type's plural name, label or description. */
    async updateObjectType(actor: Actor, apiName: string, input: ObjectTypeUpdate, opts: ObjectTypeQuery = {}) {
      const id = await change(actor, (tx, current) => {
        const plural = input.pluralApiName != null && input.pluralApiName !== current.get(apiName).pluralApiName;
        if (plural) checkNotPluginOwned(current, current.get(apiName).source, `Record type "${apiName}"`, 'input.pluralApiName');
        return objectTypeSteps.updateObjectType(tx, current, actor, apiName, input);
      });
      return db.prisma.objectType.findUniqueOrThrow({ where: { workspaceId_id: { workspaceId: actor.workspaceId, id } }, include: opts.include, select: opts.select } as Prisma.ObjectTypeFindUniqueOrThrowArgs);
    },

    /** Deletes a record type. One that holds records needs `force`, which destroys them. */
    async deleteObjectType(actor: Actor, apiName: string, opts: { force?: boolean } = {}) {
      await change(actor, (tx, current) => {
        checkNotPluginOwned(current, current.get(apiName).source, `Record type "${apiName}"`);
        return objectTypeSteps.deleteObjectType(tx, current, actor, apiName, opts);
      });
      return true;
    },
  };
}

/**
 * The access an actor has in a workspace, derived once per metadata snapshot and
 * set of role names, and every check the record engine makes with it:
 * - `view`: the workspace's metadata as the actor sees it. Types it may not read
 *   are absent; so are hidden fields, relations to types it may not read, and the
 *   inverse side of a relation whose owning field is hidden. The engine reads
 *   through the view, so what is hidden is absent everywhere: from rows, filters,
 *   orderings, search and (in the server) the actor's GraphQL schema.
 * - `condition`: the SQL a verb adds to every statement on a type: nothing for
 *   `all`, `"owner_id" = <actor>` for `own`, FALSE for `none`.
 * The rules themselves are in permissions.ts.
 */
import { ForbiddenError, NotFoundError } from '../errors.ts';
import { relationShape } from '../fields/relation.ts';
import type { FieldMeta } from '../fields/types.ts';
import { createWorkspaceMetadata, stableStringify, type ObjectTypeMeta, type WorkspaceMetadata } from '../metadata/workspace-metadata.ts';
import type { SqlParams } from '../records/query/params.ts';
import { isAdmin, type Actor } from './actor.ts';
import {
  BUILT_IN_ROLE_DEFINITIONS,
  fieldAccessOf,
  ruleFor,
  wider,
  type FieldAccess,
  type RecordAccess,
  type RecordVerb,
  type RoleDefinition,
  type TypeRule,
} from './permissions.ts';

/** What one set of roles may do in one metadata snapshot. */
export interface RolePolicy {
  /** Manages metadata, roles, keys and webhooks (the built-in admin role, or the system). */
  admin: boolean;
  /** Every verb is `all` on every type and no field is narrowed: no check adds anything. */
  unrestricted: boolean;
  /** The metadata as these roles see it (the snapshot itself when unrestricted). */
  view: WorkspaceMetadata;
  /** How far `verb` reaches on the type with this id (`none` for types not in the snapshot). */
  access(typeId: string, verb: RecordVerb): RecordAccess;
  /** The access to a field of the type with this id. */
  field(typeId: string, fieldApiName: string): FieldAccess;
  /**
   * True when a write may name `field` of `type`: write access to it and, for a
   * ONE_TO_MANY (whose changes rewrite the other side's to-one on the records it
   * names), update access to every record of that type and write access to that field.
   */
  writable(type: ObjectTypeMeta, field: FieldMeta): boolean;
  /** A key of everything that shapes the actor's API: equal keys, equal GraphQL schemas. */
  schemaKey: string;
}

/** The scope every record operation takes. */
export interface AccessScope {
  actor: Actor;
  metadata: WorkspaceMetadata;
}

const policies = new WeakMap<WorkspaceMetadata, Map<string, RolePolicy>>();

/** The policy of `actor`'s roles in `metadata` (cached per snapshot). */
export function policyOf(scope: AccessScope): RolePolicy {
  const { actor, metadata } = scope;
  const key = isAdmin(actor) ? '' : actor.roles.join(',');
  let bySnapshot = policies.get(metadata);
  if (!bySnapshot) policies.set(metadata, (bySnapshot = new Map()));
  let policy = bySnapshot.get(key);
  if (!policy) {
    policy = key === '' ? unrestrictedPolicy(metadata, true) : buildPolicy(metadata, actor.roles);
    bySnapshot.set(key, policy);
  }
  return policy;
}

/** The definition of a role in `metadata`: built-in or custom; undefined when there is none. */
export function findRole(metadata: WorkspaceMetadata, name: string): RoleDefinition | undefined {
  return BUILT_IN_ROLE_DEFINITIONS.get(name) ?? metadata.roles.get(name);
}

function unrestrictedPolicy(metadata: WorkspaceMetadata, admin: boolean): RolePolicy {
  const known = new Set(metadata.objectTypes.map((t) => t.id));
  return {
    admin,
    unrestricted: true,
    view: metadata,
    access: (typeId) => (known.has(typeId) ? 'all' : 'none'),
    field: () => 'write',
    writable: () => true,
    schemaKey: `${metadata.hash}:all`,
  };
}

/** The union of `roleNames`' rules (unknown names grant nothing). */
function buildPolicy(metadata: WorkspaceMetadata, roleNames: readonly string[]): RolePolicy {
  const roles = roleNames.map((name) => findRole(metadata, name)).filter((r): r is RoleDefinition => r !== undefined);
  if (roles.some((r) => r.admin)) return unrestrictedPolicy(metadata, true);

  const merged = new Map<string, { verbs: Record<RecordVerb, RecordAccess>; fields: Map<string, FieldAccess> }>();
  let unrestricted = true;
  for (const type of metadata.objectTypes) {
    const rules = roles.map((role) => ruleFor(role, type.apiName)).filter((r): r is TypeRule => r !== undefined);
    const verbs: Record<RecordVerb, RecordAccess> = { read: 'none', create: 'none', update: 'none', delete: 'none' };
    for (const rule of rules) for (const verb of Object.keys(verbs) as RecordVerb[]) verbs[verb] = wider(verbs[verb], rule[verb]);
    const fields = new Map<string, FieldAccess>();
    for (const field of type.fields) {
      let access: FieldAccess = 'hidden';
      for (const rule of rules) access = wider(access, fieldAccessOf(rule, field.apiName));
      fields.set(field.apiName, access);
      if (access !== 'write') unrestricted = false;
    }
    if (Object.values(verbs).some((v) => v !== 'all')) unrestricted = false;
    merged.set(type.id, { verbs, fields });
  }
  if (unrestricted) return unrestrictedPolicy(metadata, false);

  const access = (typeId: string, verb: RecordVerb): RecordAccess => merged.get(typeId)?.verbs[verb] ?? 'none';
  const field = (typeId: string, name: string): FieldAccess => merged.get(typeId)?.fields.get(name) ?? 'hidden';
  const writable = (type: ObjectTypeMeta, f: FieldMeta): boolean => {
    if (field(type.id, f.apiName) !== 'write') return false;
    if (f.type !== 'RELATION') return true;
    const shape = relationShape(f);
    const target = shape.kind === 'inverse' ? metadata.find(shape.target) : undefined;
    return !target || (access(target.id, 'update') === 'all' && field(target.id, shape.kind === 'inverse' ? shape.via : '') === 'write');
  };
  const view = projectMetadata(metadata, access, field);
  const shape = view.objectTypes.map((t) => [
    t.apiName,
    (['create', 'update', 'delete'] as const).map((verb) => access(t.id, verb)),
    t.fields.filter((f) => !writable(t, f)).map((f) => f.apiName),
  ]);
  return { admin: false, unrestricted: false, view, access, field, writable, schemaKey: `${view.hash}:${stableStringify(shape)}` };
}

/**
 * The metadata without what the actor may not read. A relation stays only when
 * the records at its far end can be read, and an inverse (or many-to-many) side
 * only while the field that holds its values is visible too: otherwise
 * `company.people` would show what a hidden `person.company` holds.
 */
function projectMetadata(
  metadata: WorkspaceMetadata,
  access: RolePolicy['access'],
  field: RolePolicy['field'],
): WorkspaceMetadata {
  const readable = new Map(metadata.objectTypes.filter((t) => access(t.id, 'read') !== 'none').map((t) => [t.apiName, t]));
  const project = (type: ObjectTypeMeta, f: FieldMeta): FieldMeta[] => {
    if (field(type.id, f.apiName) === 'hidden') return [];
    if (f.type !== 'RELATION') return [f];
    const shape = relationShape(f);
    if (shape.kind === 'toOne') {
      const targets = shape.targets.filter((t) => readable.has(t));
      if (targets.length === 0) return [];
      if (targets.length === shape.targets.length) return [f];
      return [{ ...f, options: { ...f.options, targets } }];
    }
    const target = readable.get(shape.target);
    return target && field(target.id, shape.via) !== 'hidden' ? [f] : [];
  };
  const types = [...readable.values()].map((type) => ({ ...type, fields: type.fields.flatMap((f) => project(type, f)) }));
  return createWorkspaceMetadata(metadata.workspaceId, metadata.version, types, metadata.roles, metadata.plugins);
}

/** The member id records are owned by for this actor; API keys and the system own nothing. */
export function ownerOf(actor: Actor): string | null {
  return actor.kind === 'member' ? actor.id : null;
}

/**
 * The SQL condition `verb` adds on rows of `type`: null for `all`, the owner
 * check for `own` (FALSE for an actor that owns nothing), FALSE for `none`.
 * `owner` is the row's owner column (qualified when the statement needs it).
 */
export function accessCondition(
  scope: AccessScope,
  type: ObjectTypeMeta,
  verb: RecordVerb,
  params: SqlParams,
  owner = '"owner_id"',
): string | null {
  const access = policyOf(scope).access(type.id, verb);
  if (access === 'all') return null;
  const me = ownerOf(scope.actor);
  return access === 'own' && me !== null ? `${owner} = ${params.add(me)}::uuid` : 'FALSE';
}

/**
 * The type as the actor sees it, for reading: NOT_FOUND when it does not exist or
 * they may not read it (the two are alike to them).
 */
export function readableType(scope: AccessScope, typeName: string): ObjectTypeMeta {
  return policyOf(scope).view.get(typeName);
}

/** The visible form of `type` (a type of the full snapshot), or undefined when the actor may not read it. */
export function visibleType(scope: AccessScope, type: ObjectTypeMeta): ObjectTypeMeta | undefined {
  return policyOf(scope).view.findById(type.id);
}

const VERB_WORDS: Record<RecordVerb, string> = { read: 'read', create: 'create', update: 'change', delete: 'delete' };

/** Throws FORBIDDEN unless `verb` reaches some records of `type`. */
export function requireVerb(scope: AccessScope, type: ObjectTypeMeta, verb: RecordVerb): RecordAccess {
  const access = policyOf(scope).access(type.id, verb);
  if (access === 'none' || (access === 'own' && ownerOf(scope.actor) === null)) {
    throw new ForbiddenError(`Your role may not ${VERB_WORDS[verb]} ${type.pluralApiName}`, { type: type.apiName, verb });
  }
  return access;
}

/** The record type `typeName` for a write of `verb`: NOT_FOUND when unreadable, FORBIDDEN when the verb is refused. */
export function writableType(scope: AccessScope, typeName: string, verb: RecordVerb): ObjectTypeMeta {
  const visible = readableType(scope, typeName);
  requireVerb(scope, visible, verb);
  // Writes work on the full type: defaults, search vectors and unique indexes cover hidden fields too.
  const full = scope.metadata.findById(visible.id);
  if (!full) throw new NotFoundError(`No record type "${typeName}"`, { type: typeName });
  return full;
}

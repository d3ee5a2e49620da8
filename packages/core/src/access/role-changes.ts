/**
 * Custom roles: listing, creating, changing and deleting them (admins only). A
 * role change is a metadata change (it runs through the metadata service's
 * `change`: workspace locked, version bumped), so every server process applies
 * it on its next request and a write racing it is checked against one or the other.
 */
import type { Actor } from './actor.ts';
import { requireAdmin } from './actor.ts';
import { ConflictError, FieldErrorCollector, NotFoundError, ValidationError } from '../errors.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import { newId } from '../ids.ts';
import type { RunChange } from '../metadata/change-context.ts';
import type { WorkspaceMetadata } from '../metadata/workspace-metadata.ts';
import {
  ANY_TYPE,
  BUILT_IN_ROLE_DEFINITIONS,
  FIELD_ACCESS,
  RECORD_ACCESS,
  RECORD_VERBS,
  reachesFurther,
  type FieldAccess,
  type RecordAccess,
  type RoleDefinition,
  type TypeRule,
} from './permissions.ts';
import { roleNameError } from './roles.ts';

/** One type's rule as the API takes it; verbs not given are `none`. */
export interface TypeRuleInput {
  /** A record type apiName, or `*` for every type the role does not name. */
  type: string;
  read?: RecordAccess | null;
  create?: RecordAccess | null;
  update?: RecordAccess | null;
  delete?: RecordAccess | null;
  fields?: ReadonlyArray<{ field: string; access: FieldAccess }> | null;
}

/** A new role. */
export interface RoleInput {
  name: string;
  description?: string | null;
  rules: readonly TypeRuleInput[];
}

/** Changes to a role; `rules`, when given, replaces every rule. */
export interface RoleUpdate {
  description?: string | null;
  rules?: readonly TypeRuleInput[] | null;
}

/** Most rules one role may hold. */
export const MAX_ROLE_RULES = 500;

/** A stored `role` row as a definition. */
export function roleFromRow(row: { name: string; description: string | null; rules: unknown }): RoleDefinition {
  return { name: row.name, description: row.description, builtIn: false, admin: false, rules: (row.rules ?? {}) as Record<string, TypeRule> };
}

/** Checks `rules` against `metadata`; every problem is reported at once under `path` (`input.rules.2.update`). */
function resolveRules(metadata: WorkspaceMetadata, rules: readonly TypeRuleInput[] | null | undefined, path: string, errors: FieldErrorCollector) {
  const resolved: Record<string, TypeRule> = {};
  if (!Array.isArray(rules)) {
    errors.add(path, 'REQUIRED', 'must be a list of rules (an empty list grants nothing)');
    return resolved;
  }
  if (rules.length > MAX_ROLE_RULES) errors.add(path, 'TOO_LONG', `must have at most ${MAX_ROLE_RULES} rules`);
  rules.forEach((input, i) => {
    const at = `${path}.${i}`;
    const type = input.type === ANY_TYPE ? undefined : metadata.find(input.type);
    if (input.type !== ANY_TYPE && !type) {
      errors.add(`${at}.type`, 'UNKNOWN_TYPE', `"${input.type}" is not a record type (use "*" for every type not named)`);
      return;
    }
    if (Object.hasOwn(resolved, input.type)) {
      errors.add(`${at}.type`, 'DUPLICATE', `${input.type} has a rule already`);
      return;
    }
    const rule: TypeRule = { read: 'none', create: 'none', update: 'none', delete: 'none', fields: {} };
    for (const verb of RECORD_VERBS) {
      const value = input[verb];
      if (value === undefined || value === null) continue;
      if (!(RECORD_ACCESS as readonly string[]).includes(value)) errors.add(`${at}.${verb}`, 'INVALID_VALUE', `must be one of ${RECORD_ACCESS.join(', ')}`);
      else rule[verb] = value;
    }
    for (const verb of ['update', 'delete'] as const) {
      if (reachesFurther(rule[verb], rule.read)) {
        errors.add(`${at}.${verb}`, 'EXCEEDS_READ', `cannot reach further than read (${rule.read}): nobody changes what they cannot see`);
      }
    }
    if (rule.create !== 'none' && rule.read === 'none') {
      errors.add(`${at}.create`, 'NEEDS_READ', 'needs read: at least the records one creates (own)');
    }
    (input.fields ?? []).forEach((entry: { field: string; access: FieldAccess }, j: number) => {
      const fieldAt = `${at}.fields.${j}`;
      if (!type) {
        errors.add(`${fieldAt}.field`, 'NEEDS_TYPE', 'field rules belong to the rule of one record type, not "*"');
      } else if (!type.fields.some((f) => f.apiName === entry.field)) {
        errors.add(`${fieldAt}.field`, 'UNKNOWN_FIELD', `"${entry.field}" is not a field of ${type.apiName}`);
      } else if (!(FIELD_ACCESS as readonly string[]).includes(entry.access)) {
        errors.add(`${fieldAt}.access`, 'INVALID_VALUE', `must be one of ${FIELD_ACCESS.join(', ')}`);
      } else if (Object.hasOwn(rule.fields, entry.field)) {
        errors.add(`${fieldAt}.field`, 'DUPLICATE', `${entry.field} has a rule already`);
      } else {
        rule.fields[entry.field] = entry.access;
      }
    });
    resolved[input.type] = rule;
  });
  return resolved;
}

function checkDescription(description: unknown, errors: FieldErrorCollector): string | null {
  if (description === undefined || description === null) return null;
  if (typeof description !== 'string') errors.add('input.description', 'INVALID_TYPE', 'must be a string');
  else if (description.length > 1000) errors.add('input.description', 'TOO_LONG', 'must be at most 1000 characters');
  else return description.trim() || null;
  return null;
}

/** The role changes, run through the metadata service's `change`. */
export function createRoleChanges(change: RunChange, snapshot: (workspaceId: string) => Promise<WorkspaceMetadata>) {
  const customRole = (current: WorkspaceMetadata, name: string): RoleDefinition => {
    if (BUILT_IN_ROLE_DEFINITIONS.has(name)) {
      throw new ValidationError([{ field: 'name', code: 'BUILT_IN', message: `${name} is a built-in role: it cannot be changed or deleted` }]);
    }
    const role = current.roles.get(name);
    if (!role) throw new NotFoundError(`No role "${name}"`, { name });
    return role;
  };

  return {
    /** The built-in roles, then the custom ones by name (admins only). */
    async listRoles(actor: Actor): Promise<RoleDefinition[]> {
      requireAdmin(actor, 'read roles');
      const metadata = await snapshot(actor.workspaceId);
      return [...BUILT_IN_ROLE_DEFINITIONS.values(), ...[...metadata.roles.values()].sort((a, b) => (a.name < b.name ? -1 : 1))];
    },

    /** Defines a custom role; VALIDATION_FAILED names every problem of its input. */
    async createRole(actor: Actor, input: RoleInput): Promise<RoleDefinition> {
      return change(actor, async (tx, current) => {
        const errors = new FieldErrorCollector();
        const nameError = roleNameError(input.name, 'input.name');
        if (nameError) errors.add(nameError.field, nameError.code, nameError.message);
        else if (BUILT_IN_ROLE_DEFINITIONS.has(input.name)) errors.add('input.name', 'RESERVED_NAME', `${input.name} is a built-in role`);
        else if (current.roles.has(input.name)) errors.add('input.name', 'ALREADY_EXISTS', `a role "${input.name}" already exists`);
        const description = checkDescription(input.description, errors);
        const rules = resolveRules(current, input.rules, 'input.rules', errors);
        errors.throwIfAny();
        await tx.role.create({
          data: { id: newId(), workspaceId: actor.workspaceId, name: input.name, description, rules: rules as unknown as Prisma.InputJsonValue },
        });
        return { name: input.name, description, builtIn: false, admin: false, rules };
      });
    },

    /** Changes a custom role's description or rules (all of them, when given). */
    async updateRole(actor: Actor, name: string, input: RoleUpdate): Promise<RoleDefinition> {
      return change(actor, async (tx, current) => {
        const role = customRole(current, name);
        const errors = new FieldErrorCollector();
        const description = input.description === undefined ? role.description : checkDescription(input.description, errors);
        const rules = input.rules == null ? role.rules : resolveRules(current, input.rules, 'input.rules', errors);
        errors.throwIfAny();
        await tx.role.update({
          where: { workspaceId_name: { workspaceId: actor.workspaceId, name } },
          data: { description, rules: rules as unknown as Prisma.InputJsonValue },
        });
        return { ...role, description, rules };
      });
    },

    /** Deletes a custom role. CONFLICT while active API keys act with it (revoke them first). */
    async deleteRole(actor: Actor, name: string): Promise<boolean> {
      return change(actor, async (tx, current) => {
        customRole(current, name);
        const keys = await tx.apiKey.count({
          where: { workspaceId: actor.workspaceId, role: name, revokedAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: new Date() } }] },
        });
        if (keys > 0) {
          throw new ConflictError(`${keys} active API key${keys === 1 ? '' : 's'} act with role ${name}: revoke them first`, {
            reason: 'ROLE_IN_USE',
            apiKeys: keys,
          });
        }
        await tx.role.delete({ where: { workspaceId_name: { workspaceId: actor.workspaceId, name } } });
        return true;
      });
    },
  };
}

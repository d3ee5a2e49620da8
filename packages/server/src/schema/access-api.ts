/**
 * The roles API (admin only): the built-in roles and the workspace's custom
 * ones, and creating, changing and deleting custom roles. A role states per
 * record type `read`, `create`, `update` and `delete` (NONE, OWN or ALL) and per
 * field HIDDEN, READ or WRITE (core's access/permissions.ts has the rules).
 */
import { ANY_TYPE, FIELD_ACCESS, RECORD_ACCESS, type FieldAccess, type RecordAccess, type RoleDefinition, type TypeRule } from '@relata/core';
import type { Builder } from './builder.ts';

// Stored as JSON objects (whose key order PostgreSQL does not keep): shown by name.
const byName = ([a]: [string, unknown], [b]: [string, unknown]) => (a < b ? -1 : a > b ? 1 : 0);

const upper = <T extends string>(values: readonly T[]) =>
  Object.fromEntries(values.map((value) => [value.toUpperCase(), { value }])) as Record<Uppercase<T>, { value: T }>;

/** Adds Role and its rules, `roles`, `createRole`, `updateRole` and `deleteRole`. */
export function addAccessApi(builder: Builder): void {
  const RecordAccessEnum = builder.enumType('RecordAccess', {
    description: 'How far a verb reaches: no records, the records you own, or all records.',
    values: upper(RECORD_ACCESS),
  });
  const FieldAccessEnum = builder.enumType('FieldAccess', {
    description: 'What a role may do with a field: nothing (absent from its schema), read it, or read and write it.',
    values: upper(FIELD_ACCESS),
  });

  type RuleRow = TypeRule & { type: string };
  const FieldRule = builder.objectRef<{ field: string; access: FieldAccess }>('RoleFieldRule').implement({
    fields: (t) => ({ field: t.exposeString('field'), access: t.field({ type: FieldAccessEnum, resolve: (r) => r.access }) }),
  });
  const Rule = builder.objectRef<RuleRow>('RoleRule').implement({
    description: `What a role may do with one record type ("${ANY_TYPE}": every type it does not name).`,
    fields: (t) => ({
      type: t.exposeString('type'),
      read: t.field({ type: RecordAccessEnum, resolve: (r) => r.read }),
      create: t.field({ type: RecordAccessEnum, resolve: (r) => r.create }),
      update: t.field({ type: RecordAccessEnum, resolve: (r) => r.update }),
      delete: t.field({ type: RecordAccessEnum, resolve: (r) => r.delete }),
      fields: t.field({
        type: [FieldRule],
        description: 'Fields with access of their own; the others are WRITE when create or update is allowed, READ otherwise.',
        resolve: (r) => Object.entries(r.fields).sort(byName).map(([field, access]) => ({ field, access })),
      }),
    }),
  });
  const Role = builder.objectRef<RoleDefinition>('Role').implement({
    description: 'A role: what its holders may do with each record type and field.',
    fields: (t) => ({
      name: t.exposeString('name'),
      description: t.exposeString('description', { nullable: true }),
      builtIn: t.exposeBoolean('builtIn', { description: 'admin, member and viewer: defined by Relata, not changeable.' }),
      admin: t.exposeBoolean('admin', { description: 'Manages record types, fields, roles, API keys and webhooks.' }),
      rules: t.field({
        type: [Rule],
        description: `By type name; the "${ANY_TYPE}" rule last.`,
        resolve: (role) =>
          Object.entries(role.rules)
            .sort(([a], [b]) => (a === ANY_TYPE ? 1 : b === ANY_TYPE ? -1 : a < b ? -1 : 1))
            .map(([type, rule]) => ({ ...rule, type })),
      }),
    }),
  });

  const FieldRuleInput = builder.inputType('RoleFieldRuleInput', {
    fields: (t) => ({
      field: t.string({ required: true, description: 'A field apiName of the rule’s type.' }),
      access: t.field({ type: FieldAccessEnum, required: true }),
    }),
  });
  const verbInput = (t: Parameters<Parameters<typeof builder.inputType>[1]['fields']>[0], what: string) =>
    t.field({ type: RecordAccessEnum, description: `${what}; NONE when omitted.` });
  const RuleInput = builder.inputType('RoleRuleInput', {
    fields: (t) => ({
      type: t.string({ required: true, description: `A record type apiName, or "${ANY_TYPE}" for every type the role does not name.` }),
      read: verbInput(t, 'Which records its holders see'),
      create: verbInput(t, 'Whether they create records (OWN: records they own)'),
      update: verbInput(t, 'Which records they change; never further than read'),
      delete: verbInput(t, 'Which records they delete and restore; never further than read'),
      fields: t.field({ type: [FieldRuleInput], description: 'Fields with access of their own.' }),
    }),
  });
  const RoleInput = builder.inputType('RoleInput', {
    fields: (t) => ({
      name: t.string({ required: true, description: 'Letters, digits, "_" and "-", starting with a letter; not admin, member or viewer.' }),
      description: t.string(),
      rules: t.field({ type: [RuleInput], required: true, description: 'A type the rules do not cover is NONE throughout.' }),
    }),
  });
  const RoleUpdateInput = builder.inputType('RoleUpdateInput', {
    fields: (t) => ({
      description: t.string(),
      rules: t.field({ type: [RuleInput], description: 'Replaces every rule when given.' }),
    }),
  });

  type RuleArg = { type: string; read?: RecordAccess | null; create?: RecordAccess | null; update?: RecordAccess | null; delete?: RecordAccess | null };
  const toRules = (rules: ReadonlyArray<RuleArg & { fields?: ReadonlyArray<{ field: string; access: FieldAccess }> | null }> | null | undefined) =>
    rules?.map((rule) => ({ ...rule, fields: rule.fields ?? [] }));

  builder.queryFields((t) => ({
    roles: t.field({
      type: [Role],
      description: 'The built-in roles, then the custom ones by name (admin).',
      resolve: (_root, _args, ctx) => ctx.engine.metadata.listRoles(ctx.actor),
    }),
  }));
  builder.mutationFields((t) => ({
    createRole: t.field({
      type: Role,
      description: 'Defines a custom role (admin). Every problem of the input is reported at once.',
      args: { input: t.arg({ type: RoleInput, required: true }) },
      resolve: (_root, { input }, ctx) => ctx.engine.metadata.createRole(ctx.actor, { ...input, rules: toRules(input.rules) ?? [] }),
    }),
    updateRole: t.field({
      type: Role,
      description: 'Changes a custom role (admin); applies from the next request of every holder.',
      args: { name: t.arg.string({ required: true }), input: t.arg({ type: RoleUpdateInput, required: true }) },
      resolve: (_root, { name, input }, ctx) => ctx.engine.metadata.updateRole(ctx.actor, name, { ...input, rules: toRules(input.rules) }),
    }),
    deleteRole: t.boolean({
      description: 'Deletes a custom role (admin); refused while active API keys act with it.',
      args: { name: t.arg.string({ required: true }) },
      resolve: (_root, { name }, ctx) => ctx.engine.metadata.deleteRole(ctx.actor, name),
    }),
  }));
}

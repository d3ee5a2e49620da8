/**
 * What a role may do, as data: per record type, `read`, `create`, `update` and
 * `delete` each `none`, `own` (records whose owner is the actor) or `all`, and per
 * field `hidden`, `read` or `write`. The built-in roles are defined here; custom
 * roles are stored in the `role` table in the same form.
 *
 * Decisions (docs/security.md, "Roles"):
 * - Rules are keyed by record type apiName; `*` holds the rule of every type the
 *   role does not name. A type a role does not cover at all is `none` throughout:
 *   a custom role grants nothing it does not say.
 * - A field a rule does not name is `write` when the rule allows create or update,
 *   `read` otherwise; naming it can only narrow (or widen to `write`).
 * - `update` and `delete` never reach further than `read` (you cannot change what
 *   you cannot see), and `create` needs some `read`: validation refuses otherwise.
 * - An actor with several roles gets, per type and verb, the widest of them, and
 *   per field the widest among the roles that let it read the type.
 * - Only the built-in `admin` manages metadata, roles, API keys and webhooks, and
 *   destroys records; a custom role is never an admin.
 */

/** How far a verb reaches. */
export const RECORD_ACCESS = ['none', 'own', 'all'] as const;
export type RecordAccess = (typeof RECORD_ACCESS)[number];

/** What a role may do with a field. */
export const FIELD_ACCESS = ['hidden', 'read', 'write'] as const;
export type FieldAccess = (typeof FIELD_ACCESS)[number];

/** The verbs a type rule states. */
export const RECORD_VERBS = ['read', 'create', 'update', 'delete'] as const;
export type RecordVerb = (typeof RECORD_VERBS)[number];

/** The key of the rule for every record type a role does not name. */
export const ANY_TYPE = '*';

/** What a role may do with one record type. */
export interface TypeRule {
  read: RecordAccess;
  create: RecordAccess;
  update: RecordAccess;
  delete: RecordAccess;
  /** Field apiName → access; fields not named follow the verbs (see the module comment). */
  fields: Record<string, FieldAccess>;
}

/** A role: built in, or defined by an admin. */
export interface RoleDefinition {
  name: string;
  description: string | null;
  builtIn: boolean;
  /** Manages metadata, roles, keys and webhooks. Only the built-in `admin`. */
  admin: boolean;
  /** Record type apiName (or `*`) → rule. */
  rules: Record<string, TypeRule>;
}

const everything = (read: RecordAccess, write: RecordAccess): Record<string, TypeRule> => ({
  [ANY_TYPE]: { read, create: write, update: write, delete: write, fields: {} },
});

/** The roles every workspace has, by name. */
export const BUILT_IN_ROLE_DEFINITIONS: ReadonlyMap<string, RoleDefinition> = new Map(
  [
    {
      name: 'admin',
      description: 'Everything: records of every type, metadata, roles, API keys and webhooks.',
      admin: true,
      rules: everything('all', 'all'),
    },
    {
      name: 'member',
      description: 'Reads, creates, changes and deletes records of every type; manages nothing.',
      admin: false,
      rules: everything('all', 'all'),
    },
    { name: 'viewer', description: 'Reads records of every type; changes nothing.', admin: false, rules: everything('all', 'none') },
  ].map((role) => [role.name, { ...role, builtIn: true }]),
);

/** The rule `role` has for `apiName`: its own, else its `*` rule, else none. */
export function ruleFor(role: RoleDefinition, apiName: string): TypeRule | undefined {
  return role.rules[apiName] ?? role.rules[ANY_TYPE];
}

/** The access a rule gives to a field it may or may not name. */
export function fieldAccessOf(rule: TypeRule, fieldApiName: string): FieldAccess {
  if (rule.read === 'none') return 'hidden';
  const named = Object.hasOwn(rule.fields, fieldApiName) ? rule.fields[fieldApiName] : undefined;
  if (named) return named;
  return rule.create !== 'none' || rule.update !== 'none' ? 'write' : 'read';
}

const RANK = { none: 0, own: 1, all: 2, hidden: 0, read: 1, write: 2 } as const;

/** The wider of two accesses. */
export function wider<T extends RecordAccess | FieldAccess>(a: T, b: T): T {
  return RANK[b] > RANK[a] ? b : a;
}

/** True when `a` reaches further than `b`. */
export function reachesFurther(a: RecordAccess | FieldAccess, b: RecordAccess | FieldAccess): boolean {
  return RANK[a] > RANK[b];
}

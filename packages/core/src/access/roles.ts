/**
 * Role names. The built-in roles exist in every workspace; custom roles are
 * stored by name on keys and members now, and defined (and enforced) with the
 * roles and permissions part of the access issue.
 */
import type { FieldError } from '../errors.ts';

/** The roles every workspace has. */
export const BUILT_IN_ROLES = ['admin', 'member', 'viewer'] as const;

/** A built-in role name. */
export type BuiltInRole = (typeof BUILT_IN_ROLES)[number];

// A letter, then letters, digits, `_` or `-`: safe in URLs, logs and GraphQL strings.
const ROLE_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

/** True for `admin`, `member` and `viewer`. */
export function isBuiltInRole(name: unknown): name is BuiltInRole {
  return typeof name === 'string' && (BUILT_IN_ROLES as readonly string[]).includes(name);
}

/** The error of a role name that cannot be stored (for `field`), or undefined when it is well formed. */
export function roleNameError(name: unknown, field = 'role'): FieldError | undefined {
  if (typeof name !== 'string' || name === '') return { field, code: 'REQUIRED', message: 'is required' };
  if (!ROLE_NAME.test(name)) {
    return { field, code: 'INVALID_FORMAT', message: 'must start with a letter and have at most 64 letters, digits, "_" or "-"' };
  }
  return undefined;
}

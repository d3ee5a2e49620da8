/**
 * What a write may touch, checked before its values are validated:
 * - the fields it names: a hidden one does not exist for the actor
 *   (UNKNOWN_FIELD, like any unknown name); a read-only one is FORBIDDEN;
 * - the to-many relations it changes: changing a ONE_TO_MANY (`company.people`)
 *   rewrites the other side's to-one on the records it names, so it needs update
 *   access to every record of that type and write access to that field;
 * - the owner it sets (`ownerId`): a role limited to its own records may only
 *   write records that stay its own.
 * Every refusal of a call is reported at once, by path (`inputs.2.salary`).
 */
import { policyOf, ownerOf, visibleType, type AccessScope } from '../access/policy.ts';
import type { RecordVerb } from '../access/permissions.ts';
import { ForbiddenError, type FieldError, type FieldErrorCollector } from '../errors.ts';
import { relationShape } from '../fields/relation.ts';
import { isUuid } from '../ids.ts';
import type { ObjectTypeMeta } from '../metadata/workspace-metadata.ts';
import type { RecordInput } from './record-input.ts';

/** The system input naming a record's owner (a member id, or null for none). */
export const OWNER_INPUT = 'ownerId';

/** A write's input without its owner, and the owner it sets (undefined: not given). */
export interface GuardedInput {
  input: RecordInput;
  owner: string | null | undefined;
}

/** Creates the guard of one write call of `verb` on `type` (the full type). */
export function createWriteGuard(scope: AccessScope, type: ObjectTypeMeta, verb: Extract<RecordVerb, 'create' | 'update'>) {
  const policy = policyOf(scope);
  const visible = visibleType(scope, type);
  const forbidden: FieldError[] = [];
  const me = ownerOf(scope.actor);

  return {
    /** The input to validate, with what the actor may not write reported to `errors` or kept for throwIfForbidden. */
    check(raw: RecordInput, path: string, errors: FieldErrorCollector): GuardedInput {
      if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return { input: raw, owner: undefined };
      const input: RecordInput = {};
      let owner: string | null | undefined;
      for (const [key, value] of Object.entries(raw)) {
        if (value === undefined) continue;
        const at = `${path}.${key}`;
        if (key === OWNER_INPUT) {
          if (value === null || isUuid(value)) owner = value === null ? null : value.toLowerCase();
          else errors.add(at, 'INVALID_FORMAT', 'must be the id of a workspace member (UUID), or null for no owner');
          continue;
        }
        const field = type.fields.find((f) => f.apiName === key);
        if (!field) {
          input[key] = value; // resolveInput reports it
          continue;
        }
        if (!visible?.fields.some((f) => f.apiName === key)) {
          errors.add(at, 'UNKNOWN_FIELD', `is not a field of ${type.apiName}`);
          continue;
        }
        if (!policy.writable(type, field)) {
          const shape = field.type === 'RELATION' ? relationShape(field) : undefined;
          const message =
            shape?.kind === 'inverse' && policy.field(type.id, key) === 'write'
              ? `changes ${shape.target}.${shape.via} of the records it names: your role needs update access to every ${shape.target} and to that field`
              : 'your role may read this field but not change it';
          forbidden.push({ field: at, code: 'FORBIDDEN', message });
          continue;
        }
        input[key] = value;
      }
      if (owner !== undefined && policy.access(type.id, verb) === 'own' && owner !== me) {
        forbidden.push({ field: `${path}.${OWNER_INPUT}`, code: 'FORBIDDEN', message: `your role may ${verb} only records you own: the owner must be you` });
      }
      return { input, owner };
    },

    /** Throws FORBIDDEN naming every refused field of the call, if any. */
    throwIfForbidden(): void {
      if (forbidden.length === 0) return;
      throw new ForbiddenError(`Your role may not change ${forbidden.map((f) => f.field).join(', ')}; nothing was written`, { fields: forbidden });
    },
  };
}

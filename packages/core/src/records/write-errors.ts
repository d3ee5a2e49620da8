/** How a failed write is explained to the caller. */
import { isUniqueViolation } from '../db/pg-errors.ts';
import { ConflictError } from '../errors.ts';
import { fieldIdFromIndexName } from '../metadata/record-indexes.ts';
import type { ObjectTypeMeta } from '../metadata/workspace-metadata.ts';

/**
 * Turns a unique violation into a CONFLICT that names the field (`path` prefixes
 * it: `input.`, `inputs.3.`); rethrows anything else.
 */
export function uniqueConflict(error: unknown, type: ObjectTypeMeta, path = 'input.'): never {
  if (isUniqueViolation(error)) {
    const fieldId = fieldIdFromIndexName((error as { constraint?: string }).constraint);
    const field = type.fields.find((f) => f.id === fieldId);
    if (field) {
      throw new ConflictError(`Another ${type.apiName} already has this ${field.apiName}`, {
        fields: [{ field: `${path}${field.apiName}`, code: 'UNIQUE', message: 'is already taken by another record' }],
      });
    }
  }
  throw error;
}

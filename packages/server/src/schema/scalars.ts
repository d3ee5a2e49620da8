/**
 * Scalars. Values pass through unchanged on input: the engine validates them
 * and reports a bad value as a VALIDATION_FAILED on its field, with every other
 * failing field, rather than as a GraphQL coercion error.
 */
import { Kind, type ValueNode } from 'graphql';
import type { Builder } from './builder.ts';

function literalValue(node: ValueNode, variables?: Record<string, unknown> | null): unknown {
  switch (node.kind) {
    case Kind.STRING:
    case Kind.BOOLEAN:
    case Kind.ENUM:
      return node.value;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(node.value);
    case Kind.NULL:
      return null;
    case Kind.LIST:
      return node.values.map((v) => literalValue(v, variables));
    case Kind.OBJECT:
      return Object.fromEntries(node.fields.map((f) => [f.name.value, literalValue(f.value, variables)]));
    case Kind.VARIABLE:
      return variables?.[node.name.value];
  }
}

/** Adds DateTime, Date and JSON to the builder. */
export function addScalars(builder: Builder): void {
  builder.scalarType('DateTime', {
    description: 'An ISO-8601 date and time with an offset, e.g. "2026-12-01T09:30:00Z"; returned in UTC.',
    serialize: (value) => (value instanceof Date ? value.toISOString() : String(value)),
    parseValue: (value) => value as string,
    parseLiteral: (node) => literalValue(node) as string,
  });
  builder.scalarType('Date', {
    description: 'A calendar date, "YYYY-MM-DD".',
    serialize: (value) => String(value),
    parseValue: (value) => value as string,
    parseLiteral: (node) => literalValue(node) as string,
  });
  builder.scalarType('JSON', {
    description: 'Any JSON value.',
    serialize: (value) => value,
    parseValue: (value) => value,
    parseLiteral: (node, variables) => literalValue(node, variables),
  });
}

/**
 * The Pothos builder Relata's schemas are made with. A new builder is created for
 * every schema build (builders are mutable), from the same plugin setup.
 */
import SchemaBuilder from '@pothos/core';
import PrismaPlugin from '@pothos/plugin-prisma';
import type { Engine } from '@relata/core';
import type { RequestContext } from '../context.ts';
import type PrismaTypes from '../generated/pothos-types.ts';
import { getDatamodel } from '../generated/pothos-types.ts';

/** The scalar types of Relata's schemas. */
export type Scalars = {
  DateTime: { Input: string; Output: Date | string };
  Date: { Input: string; Output: string };
  JSON: { Input: unknown; Output: unknown };
};

/** The builder's type parameters. */
export interface BuilderTypes {
  PrismaTypes: PrismaTypes;
  Context: RequestContext;
  Scalars: Scalars;
  DefaultFieldNullability: false;
}

/** Creates a fresh builder bound to the engine's Prisma client. */
export function createBuilder(engine: Engine) {
  return new SchemaBuilder<BuilderTypes>({
    plugins: [PrismaPlugin],
    defaultFieldNullability: false,
    prisma: {
      client: engine.db.prisma,
      dmmf: getDatamodel(),
      exposeDescriptions: false,
      filterConnectionTotalCount: true,
      onUnusedQuery: null,
    },
  });
}

/** A builder. */
export type Builder = ReturnType<typeof createBuilder>;

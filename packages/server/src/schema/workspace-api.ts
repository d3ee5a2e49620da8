/**
 * Who can reach the workspace (admin only): its members and API keys, exposed
 * from their Prisma models with @pothos/plugin-prisma, and key revocation. Keys
 * are listed by name and prefix; their secrets are never stored or shown.
 * (Creating keys with roles arrives with the access issue, when roles are enforced.)
 */
import type { Builder } from './builder.ts';

/** Adds Member, ApiKey, `members`, `apiKeys` and `revokeApiKey`. */
export function addWorkspaceApi(builder: Builder): void {
  builder.prismaObject('Member', {
    description: 'A person of the workspace, as known to the identity provider.',
    fields: (t) => ({
      id: t.exposeID('id'),
      userId: t.exposeString('userId'),
      name: t.exposeString('name', { nullable: true }),
      email: t.exposeString('email', { nullable: true }),
      role: t.exposeString('role'),
      createdAt: t.expose('createdAt', { type: 'DateTime' }),
    }),
  });

  builder.prismaObject('ApiKey', {
    description: 'An API key. The key itself is shown once, when it is created.',
    fields: (t) => ({
      id: t.exposeID('id'),
      name: t.exposeString('name'),
      prefix: t.exposeString('prefix', { description: 'The first characters of the key, to tell keys apart.' }),
      role: t.exposeString('role'),
      createdAt: t.expose('createdAt', { type: 'DateTime' }),
      expiresAt: t.expose('expiresAt', { type: 'DateTime', nullable: true }),
      lastUsedAt: t.expose('lastUsedAt', { type: 'DateTime', nullable: true, description: 'Updated at most once a minute.' }),
      revokedAt: t.expose('revokedAt', { type: 'DateTime', nullable: true }),
    }),
  });

  builder.queryFields((t) => ({
    members: t.prismaField({
      type: ['Member'],
      description: 'The members of the workspace (admin).',
      resolve: (query, _root, _args, ctx) => ctx.engine.workspaces.findMembers(ctx.actor, query),
    }),
    apiKeys: t.prismaField({
      type: ['ApiKey'],
      description: 'The API keys of the workspace, revoked ones included (admin).',
      resolve: (query, _root, _args, ctx) => ctx.engine.workspaces.findApiKeys(ctx.actor, query),
    }),
  }));

  builder.mutationFields((t) => ({
    revokeApiKey: t.boolean({
      description: 'Revokes a key: its next request is answered 401 (admin).',
      args: { id: t.arg.id({ required: true }) },
      resolve: (_root, args, ctx) => ctx.engine.workspaces.revokeApiKey(ctx.actor, String(args.id)),
    }),
  }));
}

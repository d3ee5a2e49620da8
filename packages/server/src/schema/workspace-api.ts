/**
 * Who can reach the workspace (admin only): its members and API keys, exposed
 * from their Prisma models with @pothos/plugin-prisma, and key creation and
 * revocation. Keys are listed by name and prefix; a key's secret is returned
 * once by createApiKey, and never stored or shown again.
 */
import type { CreatedApiKey } from '@relata/core';
import type { Builder } from './builder.ts';

/** Adds Member, ApiKey, `members`, `apiKeys`, `createApiKey` and `revokeApiKey`; returns the Member type (records' owners). */
export function addWorkspaceApi(builder: Builder) {
  const Member = builder.prismaObject('Member', {
    description: 'A person of the workspace, as known to the identity provider.',
    fields: (t) => ({
      id: t.exposeID('id'),
      userId: t.exposeString('userId'),
      name: t.exposeString('name', { nullable: true }),
      email: t.exposeString('email', { nullable: true }),
      role: t.string({ description: 'The roles of its last request, comma-separated.', resolve: (m) => m.role }),
      roles: t.stringList({ description: 'The roles of its last request.', resolve: (m) => m.role.split(',') }),
      createdAt: t.expose('createdAt', { type: 'DateTime' }),
    }),
  });

  const ApiKey = builder.prismaObject('ApiKey', {
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
      description: 'The members of the workspace (admin). A member is added by the first request of a user id with a JWT.',
      resolve: (query, _root, _args, ctx) => ctx.engine.workspaces.findMembers(ctx.actor, query),
    }),
    apiKeys: t.prismaField({
      type: ['ApiKey'],
      description: 'The API keys of the workspace, revoked ones included (admin).',
      resolve: (query, _root, _args, ctx) => ctx.engine.workspaces.findApiKeys(ctx.actor, query),
    }),
  }));

  const ApiKeyInput = builder.inputType('ApiKeyInput', {
    fields: (t) => ({
      name: t.string({ required: true, description: 'Shown in lists, to tell keys apart.' }),
      role: t.string({ required: true, description: '`admin`, `member`, `viewer`, or a custom role name.' }),
      expiresAt: t.field({ type: 'DateTime', description: 'When the key stops working; never when omitted.' }),
    }),
  });
  const CreatedApiKeyRef = builder
    .objectRef<CreatedApiKey>('CreatedApiKey')
    .implement({
      description: 'A new API key. `key` is shown only here: store it now.',
      fields: (t) => ({
        key: t.exposeString('key', { description: 'The secret, sent as `Authorization: Bearer <key>`. Shown only once.' }),
        apiKey: t.field({ type: ApiKey, resolve: (created) => created.apiKey }),
      }),
    });

  builder.mutationFields((t) => ({
    createApiKey: t.field({
      type: CreatedApiKeyRef,
      description: 'Creates an API key with a role and an optional expiry (admin). The key is returned only here.',
      args: { input: t.arg({ type: ApiKeyInput, required: true }) },
      resolve: (_root, { input }, ctx) => ctx.engine.workspaces.createApiKey(ctx.actor, input),
    }),
    revokeApiKey: t.boolean({
      description: 'Revokes a key: its next request is answered 401 (admin).',
      args: { id: t.arg.id({ required: true }) },
      resolve: (_root, args, ctx) => ctx.engine.workspaces.revokeApiKey(ctx.actor, String(args.id)),
    }),
  }));
  return { Member };
}

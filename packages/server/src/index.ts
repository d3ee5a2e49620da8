/**
 * @relata/server: Relata's GraphQL and HTTP server. Builds each workspace's
 * schema from its metadata and serves it; owns no business rule.
 */
export { createHttpServer, type HttpServer, type HttpServerOptions } from './http/http-server.ts';
export type { AuthOptions } from './auth/authenticate.ts';
export type { RateLimitOptions } from './limits/request-limits.ts';
export type { TokenBucket } from './limits/rate-limit.ts';
export type { PersistedOperationsOptions } from './limits/use-persisted-operations.ts';
export type { JwtClaimNames, JwtConfig } from './config.ts';
export { buildSchema, createSchemaCache } from './schema/build-schema.ts';
export type { RequestContext } from './context.ts';
export { defineConfig, type RelataFileConfig } from './plugins/define-config.ts';
export { checkPluginConfig, loadPluginSetup, type PluginSetup } from './plugins/load-config.ts';
export { createWorkspace, installPlugins, type NewWorkspace } from './plugins/new-workspace.ts';

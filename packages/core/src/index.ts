/**
 * @relata/core: Relata's engine. Metadata, field types, records, migrations.
 * No GraphQL inside: every capability is a plain TypeScript call.
 */
export * from './errors.ts';
export { isUuid, newId } from './ids.ts';
export * from './access/actor.ts';
export * from './access/roles.ts';
export * from './access/permissions.ts';
export { accessCondition, findRole, ownerOf, policyOf, type AccessScope, type RolePolicy } from './access/policy.ts';
export type { RoleInput, RoleUpdate, TypeRuleInput } from './access/role-changes.ts';
export * from './db/database.ts';
export * from './db/migrator.ts';
export type * from './db/sql-client.ts';
export { DataDirLockedError } from './db/data-dir-lock.ts';
export * from './engine.ts';
export * from './events/event-cursor.ts';
export * from './events/event-log.ts';
export * from './events/event-view.ts';
export { derivedFrom, fieldTypes, fieldType, isFieldTypeName, storedFields, valueShapeOf } from './fields/index.ts';
export type * from './fields/types.ts';
export * from './metadata/names.ts';
export type * from './metadata/workspace-metadata.ts';
export type * from './metadata/metadata-service.ts';
export type { FieldInput } from './metadata/field-definition.ts';
export * from './records/record-service.ts';
export * from './records/search.ts';
export type * from './records/record-row.ts';
export type { RecordFilter } from './records/query/filter.ts';
export { ORDER_DIRECTIONS, type OrderByItem, type OrderDirection } from './records/query/order.ts';
export type { RecordInput } from './records/record-input.ts';
export * from './workspaces/workspace-service.ts';
export { API_KEY_PATTERN } from './workspaces/api-keys.ts';
export * from './webhooks/retry-policy.ts';
export type * from './webhooks/webhook-input.ts';
export * from './webhooks/webhook-model.ts';
export * from './webhooks/webhook-payload.ts';
export { MAX_DELIVERY_PAGE, type WebhookOptions, type WebhookService } from './webhooks/webhook-service.ts';
export { generateWebhookSecret, signWebhook, WEBHOOK_SECRET_PREFIX } from './webhooks/webhook-signature.ts';
export * from './webhooks/webhook-worker.ts';
export * from './plugins/index.ts';
export { compareVersions, createPluginHost, PluginConfigError, type PluginHost, type NamedHandler, type NamedJob } from './plugins/plugin-host.ts';
export type { PluginService } from './plugins/plugin-service.ts';
export type { Installation, InstallResult } from './plugins/installer.ts';
export { bindRecords, pluginActor } from './plugins/plugin-records.ts';
export { startPluginWorkers, type PluginWorkerOptions, type PluginWorkers } from './plugins/plugin-workers.ts';
export { DEFAULT_HANDLER_RETRY } from './plugins/handler-runner.ts';
export { latestScheduledTime, nextScheduledTime, parseSchedule, scheduleProblem, type JobRun } from './plugins/job-scheduler.ts';
export { MAX_DEAD_LETTER_PAGE, type PluginDeadLetter, type PluginDeadLetterPage, type PluginDeadLetterStatus } from './plugins/dead-letters.ts';

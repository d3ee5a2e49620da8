/**
 * `@relata/sdk/plugin`: the plugin API (definePlugin, defineRecordType, field,
 * hooksFor, the error classes and types), re-exported from `@relata/core/plugin`
 * so a plugin package can depend on the SDK alone. Plain definitions: importing
 * it opens no database and registers nothing. See docs/plugins.md.
 *
 * @module @relata/sdk/plugin
 */
export * from '@relata/core/plugin';

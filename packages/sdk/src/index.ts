/**
 * @relata/sdk: what apps import to talk to Relata. For now a small typed GraphQL
 * client with Relata's errors; typed record APIs, subscriptions and codegen
 * arrive with the SDK issue.
 */
export { createClient, type ClientOptions, type RelataClient, type RequestOptions } from './client.ts';
export { RelataApiError, type ApiErrorEntry, type ApiFieldError } from './errors.ts';

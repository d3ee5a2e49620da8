/**
 * @relata/sdk: what apps import to talk to Relata. For now a small typed GraphQL
 * client with Relata's errors, and createEmbedToken for a product's backend;
 * typed record APIs, subscriptions and codegen arrive with the SDK issue.
 */
export { createClient, type ClientOptions, type RelataClient, type RequestOptions } from './client.ts';
export { RelataApiError, type ApiErrorEntry, type ApiFieldError } from './errors.ts';
export {
  createEmbedToken,
  DEFAULT_EMBED_TOKEN_TTL,
  type EmbedTokenAlgorithm,
  type EmbedTokenClaimNames,
  type EmbedTokenOptions,
} from './embed-token.ts';

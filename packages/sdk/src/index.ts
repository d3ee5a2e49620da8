/**
 * @relata/sdk: what apps import to talk to Relata. For now a small typed GraphQL
 * client with Relata's errors, createEmbedToken for a product's backend, and
 * verifyWebhook for a webhook receiver; typed record APIs, subscriptions and
 * codegen arrive with the SDK issue.
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
export {
  DEFAULT_WEBHOOK_TOLERANCE_SECONDS,
  verifyWebhook,
  WEBHOOK_DELIVERY_HEADER,
  WEBHOOK_SIGNATURE_HEADER,
  WEBHOOK_TIMESTAMP_HEADER,
  WebhookVerificationError,
  type VerifiedWebhook,
  type VerifyWebhookOptions,
  type WebhookEvent,
  type WebhookVerificationReason,
} from './webhooks.ts';

/**
 * @relata/sdk: what apps import to talk to Relata. Browser-safe (Node gets
 * ./node.ts: the same API with `ws` for subscriptions).
 *
 * - createClient: typed GraphQL requests with retries and typed errors,
 *   `client.records('company')` for everyday record work, and subscriptions
 *   that resume after a dropped connection;
 * - defineRecordTypes: what `relata codegen` output is made of;
 * - createEmbedToken for a product's backend, verifyWebhook for a webhook receiver.
 *
 * @module @relata/sdk
 */
export {
  createClient,
  type ClientOptions,
  type EventsOptions,
  type RelataClient,
  type SubscriptionOptions,
} from './client/create-client.ts';
export type { DocumentInput, TypedDocumentString } from './client/documents.ts';
export type { RequestOptions, RetryOptions } from './client/http.ts';
export {
  apiError,
  BadRequestError,
  ConflictError,
  ForbiddenError,
  isRelataError,
  NotFoundError,
  RateLimitedError,
  RelataApiError,
  RelataNetworkError,
  UnauthenticatedError,
  ValidationError,
  type ApiErrorEntry,
  type ApiFieldError,
  type RelataErrorCode,
} from './errors.ts';
export type {
  EventKind,
  IterateOptions,
  ListOptions,
  Page,
  PageInfo,
  RecordEvent,
  RecordEventsOptions,
  RecordsApi,
  UpdateOptions,
} from './records/records-api.ts';
export {
  defineRecordTypes,
  type BaseRecord,
  type RecordTypeDescriptor,
  type RecordTypeMap,
  type RecordTypes,
  type RecordTypeShape,
  type UntypedRecordTypes,
  type UntypedShape,
} from './records/types.ts';
export type { ResumableSubscription } from './subscriptions/index.ts';
export {
  createEmbedToken,
  DEFAULT_EMBED_TOKEN_TTL,
  type EmbedTokenAlgorithm,
  type EmbedTokenBase,
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

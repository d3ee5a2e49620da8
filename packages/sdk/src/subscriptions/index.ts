/**
 * Resumable subscriptions over graphql-ws: createSubscriber opens one lazy
 * connection for its subscriptions, reconnects with backoff when it drops, and
 * resumes each subscription after the last event it received, so none is missed
 * or delivered twice. Browser-safe (the WebSocket is passed in or global).
 */
export { createSubscriber, type Subscriber, type SubscriberOptions } from './subscriber.ts';
export { firstFieldCursor, mapSubscription, type ResumableSubscription, type SubscribeOptions } from './resumable.ts';

/**
 * The choice lists the CRM's select fields share, and the values hooks compare
 * against. Values are GraphQL enum values (camelCase); labels are for people.
 */
import type { ChoiceInput } from '@relata/core/plugin';

/** Where a lead came from (the attribution channel). */
export const LEAD_SOURCES = [
  { value: 'web', label: 'Web form' },
  { value: 'coldCall', label: 'Cold call' },
  { value: 'email', label: 'Email' },
  { value: 'social', label: 'Social selling' },
  { value: 'event', label: 'Event or seminar' },
  { value: 'referral', label: 'Referral' },
  { value: 'partner', label: 'Partner' },
  { value: 'advertising', label: 'Advertising' },
  { value: 'purchase', label: 'Purchase' },
  { value: 'other', label: 'Other' },
] as const satisfies readonly ChoiceInput<string>[];

/** How a person prefers to be reached. */
export const CONTACT_CHANNELS = [
  { value: 'email', label: 'Email' },
  { value: 'phone', label: 'Phone' },
  { value: 'sms', label: 'SMS' },
  { value: 'messaging', label: 'Messaging app' },
  { value: 'mail', label: 'Mail' },
  { value: 'inPerson', label: 'In person' },
] as const satisfies readonly ChoiceInput<string>[];

/** How a case reached the service team; `portal` is the customer self-service portal. */
export const CASE_CHANNELS = [
  { value: 'email', label: 'Email' },
  { value: 'phone', label: 'Phone' },
  { value: 'web', label: 'Web form' },
  { value: 'portal', label: 'Self-service portal' },
  { value: 'chat', label: 'Chat' },
  { value: 'social', label: 'Social media' },
  { value: 'inPerson', label: 'In person' },
] as const satisfies readonly ChoiceInput<string>[];

/** The channel a campaign runs on. */
export const CAMPAIGN_CHANNELS = [
  { value: 'email', label: 'Email' },
  { value: 'web', label: 'Web' },
  { value: 'social', label: 'Social media' },
  { value: 'event', label: 'Event or seminar' },
  { value: 'advertising', label: 'Advertising' },
  { value: 'phone', label: 'Phone' },
  { value: 'mail', label: 'Mail' },
  { value: 'partner', label: 'Partner' },
  { value: 'other', label: 'Other' },
] as const satisfies readonly ChoiceInput<string>[];

export const PRIORITIES = [
  { value: 'low', label: 'Low' },
  { value: 'normal', label: 'Normal' },
  { value: 'high', label: 'High' },
  { value: 'urgent', label: 'Urgent' },
] as const satisfies readonly ChoiceInput<string>[];

export const DIRECTIONS = [
  { value: 'inbound', label: 'Inbound' },
  { value: 'outbound', label: 'Outbound' },
] as const satisfies readonly ChoiceInput<string>[];

/** Lead statuses. `converted` is set by lead conversion only. */
export const LEAD_STATUSES = [
  { value: 'new', label: 'New' },
  { value: 'contacted', label: 'Contacted' },
  { value: 'qualified', label: 'Qualified' },
  { value: 'unqualified', label: 'Unqualified' },
  { value: 'converted', label: 'Converted' },
] as const satisfies readonly ChoiceInput<string>[];

/** Case statuses, in their usual order. */
export const CASE_STATUSES = [
  { value: 'new', label: 'New' },
  { value: 'open', label: 'Open' },
  { value: 'pending', label: 'Pending' },
  { value: 'escalated', label: 'Escalated' },
  { value: 'resolved', label: 'Resolved' },
  { value: 'closed', label: 'Closed' },
] as const satisfies readonly ChoiceInput<string>[];

/** Case statuses that count as resolved (their `resolvedAt` is set). */
export const RESOLVED_CASE_STATUSES: readonly string[] = ['resolved', 'closed'];

/** An opportunity's outcome, derived from its stage. */
export const OUTCOMES = ['open', 'won', 'lost'] as const;
export type Outcome = (typeof OUTCOMES)[number];

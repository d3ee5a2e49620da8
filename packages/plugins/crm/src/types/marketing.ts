/**
 * Campaigns and their members. A member is a person or a lead (polymorphic), so
 * membership is a record, `campaignMember`, with its own status: `campaign.members`
 * lists them, `person.campaignMemberships` and `lead.campaignMemberships` the other way.
 */
import { defineRecordType, field } from '@relata/core/plugin';
import { CAMPAIGN_CHANNELS } from '../choices.ts';

export const campaign = defineRecordType({
  apiName: 'campaign',
  pluralApiName: 'campaigns',
  label: 'Campaign',
  description: 'A targeted marketing effort to a group of people and leads.',
  fields: {
    name: field.text({ required: true, indexed: true, searchable: true }),
    channel: field.select(CAMPAIGN_CHANNELS, { indexed: true }),
    status: field.select(
      [
        { value: 'planned', label: 'Planned' },
        { value: 'active', label: 'Active' },
        { value: 'completed', label: 'Completed' },
        { value: 'cancelled', label: 'Cancelled' },
      ],
      { required: true, default: 'planned', indexed: true },
    ),
    startDate: field.date({ indexed: true }),
    endDate: field.date(),
    budget: field.currency(),
    actualCost: field.currency(),
    description: field.longText(),
  },
});

export const campaignMember = defineRecordType({
  apiName: 'campaignMember',
  pluralApiName: 'campaignMembers',
  label: 'Campaign member',
  description: 'A person or lead in a campaign, with how they responded.',
  fields: {
    campaign: field.relation('campaign', { required: true, inverseApiName: 'members', onDelete: 'CASCADE' }),
    member: field.relation(['person', 'lead'], { required: true, inverseApiName: 'campaignMemberships', onDelete: 'CASCADE' }),
    status: field.select(
      [
        { value: 'planned', label: 'Planned' },
        { value: 'sent', label: 'Sent' },
        { value: 'opened', label: 'Opened' },
        { value: 'responded', label: 'Responded' },
        { value: 'attended', label: 'Attended' },
        { value: 'unsubscribed', label: 'Unsubscribed' },
      ],
      { required: true, default: 'planned', indexed: true },
    ),
    respondedAt: field.datetime(),
  },
});

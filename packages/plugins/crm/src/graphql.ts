/** The CRM's GraphQL: the convertLead mutation. Resolvers return RecordRows; the server resolves their fields. */
import type { GraphQLExtension } from '@relata/core/plugin';
import { convertLead, type ConvertLeadInput } from './conversion.ts';

export const typeDefs = /* GraphQL */ `
  "How to convert a lead; by default a person, a company (from companyName) and an opportunity are created."
  input ConvertLeadInput {
    "Link this existing company instead of creating one from the lead's companyName."
    companyId: ID
    "Link this existing person instead of creating one from the lead."
    personId: ID
    "Make no opportunity."
    skipOpportunity: Boolean
    "The new opportunity's name; by default the company's name, else the person's."
    opportunityName: String
  }

  "What a lead became."
  type ConvertLeadPayload {
    "The lead, now converted and linked to the records below."
    lead: Lead!
    person: Person
    company: Company
    opportunity: Opportunity
  }

  extend type Mutation {
    """
    Converts a lead into a person, a company and an opportunity (or links existing ones),
    in one transaction, and marks it converted. CONFLICT (ALREADY_CONVERTED) if it was.
    """
    convertLead(id: ID!, input: ConvertLeadInput): ConvertLeadPayload!
  }
`;

export const graphql: GraphQLExtension = {
  typeDefs,
  resolvers: {
    Mutation: {
      convertLead: (_parent, args, ctx) => convertLead(ctx.records, String(args.id), (args.input ?? {}) as ConvertLeadInput),
    },
  },
};

/** Companies (accounts) and people (contacts). */
import { defineRecordType, field } from '@relata/core/plugin';
import { CONTACT_CHANNELS } from '../choices.ts';

export const company = defineRecordType({
  apiName: 'company',
  pluralApiName: 'companies',
  label: 'Company',
  description: 'An organisation you sell to or serve (an account).',
  fields: {
    name: field.text({ required: true, indexed: true, searchable: true }),
    domain: field.text({ indexed: true, searchable: true, description: 'Its web domain, lower case, without scheme or path: "acme.example".' }),
    website: field.url(),
    industry: field.text({ indexed: true, description: 'Free text, for segmentation.' }),
    employees: field.integer({ description: 'Number of employees.' }),
    annualRevenue: field.currency(),
    phone: field.phone({ searchable: true }),
    email: field.email({ searchable: true, description: 'A general address (info@, sales@).' }),
    street: field.text(),
    city: field.text({ indexed: true }),
    postalCode: field.text(),
    country: field.text({ indexed: true, description: 'Country name or ISO code.' }),
    description: field.longText(),
  },
});

export const person = defineRecordType({
  apiName: 'person',
  pluralApiName: 'people',
  label: 'Person',
  description: 'A contact: someone at a customer or prospect. A lead becomes one when converted.',
  fields: {
    salutation: field.text({ description: 'Ms, Mr, Dr...' }),
    firstName: field.text({ indexed: true, searchable: true }),
    middleName: field.text(),
    lastName: field.text({ indexed: true, searchable: true }),
    email: field.email({ indexed: true, searchable: true, description: 'The main email address.' }),
    additionalEmails: field.json<string[]>({ description: 'Other email addresses: a list of strings, stored lower case.' }),
    phone: field.phone({ searchable: true, description: 'The main phone number.' }),
    mobilePhone: field.phone({ searchable: true }),
    additionalPhones: field.json<string[]>({ description: 'Other phone numbers, E.164: a list of strings.' }),
    jobTitle: field.text({ searchable: true }),
    department: field.text(),
    preferredChannel: field.select(CONTACT_CHANNELS, { description: 'How the person prefers to be reached.' }),
    doNotContact: field.boolean({ default: false, description: 'The person asked not to be contacted (marketing opt-out).' }),
    birthDate: field.date(),
    city: field.text({ indexed: true }),
    country: field.text({ indexed: true }),
    company: field.relation('company', { inverseApiName: 'people' }),
    description: field.longText(),
  },
});

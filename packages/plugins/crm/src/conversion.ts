/**
 * Lead conversion: the lead becomes a person (a contact), at a company, with an
 * opportunity, all in one transaction; the lead is kept, marked converted and
 * linked to what it became. Exposed as the `convertLead` mutation (graphql.ts);
 * a plain function over PluginRecords, so it runs as whoever's records it is given
 * (their role's rules apply).
 */
import { ConflictError, NotFoundError, ValidationError, type FieldError, type PluginRecords, type RecordRow } from '@relata/core/plugin';

/** What to do instead of creating everything from the lead. */
export interface ConvertLeadInput {
  /** Link this existing company instead of creating one from the lead's companyName. */
  companyId?: string | null;
  /** Link this existing person instead of creating one from the lead. */
  personId?: string | null;
  /** Make no opportunity. */
  skipOpportunity?: boolean | null;
  /** The new opportunity's name; by default the company's name, else the person's. */
  opportunityName?: string | null;
}

/** What the lead became. */
export interface ConvertLeadResult {
  lead: RecordRow;
  person: RecordRow;
  company: RecordRow | null;
  opportunity: RecordRow | null;
}

const PAGE = 200;

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function fullName(data: Record<string, unknown>): string | undefined {
  return text([data.firstName, data.lastName].filter((v) => typeof v === 'string').join(' ')) ?? text(data.email);
}


/** Checks the input and the records it names, before anything is written. */
async function resolveNamed(tx: PluginRecords, input: ConvertLeadInput) {
  const errors: FieldError[] = [];
  const company = input.companyId ? await tx.get('company', input.companyId) : null;
  if (input.companyId && !company) errors.push({ field: 'input.companyId', code: 'INVALID_REFERENCE', message: `no company with id ${input.companyId}` });
  const person = input.personId ? await tx.get('person', input.personId) : null;
  if (input.personId && !person) errors.push({ field: 'input.personId', code: 'INVALID_REFERENCE', message: `no person with id ${input.personId}` });
  if (input.opportunityName != null && text(input.opportunityName) === undefined) {
    errors.push({ field: 'input.opportunityName', code: 'REQUIRED', message: 'must not be empty (leave it out for the default name)' });
  }
  if (input.skipOpportunity && input.opportunityName != null) {
    errors.push({ field: 'input.opportunityName', code: 'INVALID_INPUT', message: 'names an opportunity that skipOpportunity says not to make' });
  }
  if (errors.length > 0) throw new ValidationError(errors);
  return { company, person };
}

/** Links the person to every activity the lead is linked to (activities follow the customer). */
async function carryActivities(tx: PluginRecords, leadId: string, personId: string): Promise<void> {
  const links = await tx.listAll('activityTarget', { filter: { targetId: { eq: leadId } } });
  const activities = [...new Set(links.map((l) => l.data.activity as string))];
  if (activities.length === 0) return;
  const existing = new Set<string>();
  for (let i = 0; i < activities.length; i += PAGE) {
    const mine = await tx.listAll('activityTarget', { filter: { targetId: { eq: personId }, activityId: { in: activities.slice(i, i + PAGE) } } });
    for (const l of mine) existing.add(l.data.activity as string);
  }
  const inputs = activities.filter((a) => !existing.has(a)).map((activity) => ({ activity, target: personId }));
  for (let i = 0; i < inputs.length; i += 1000) await tx.createMany('activityTarget', inputs.slice(i, i + 1000));
}

/**
 * Converts lead `leadId`: creates (or links, per `input`) its person, company and
 * opportunity, links the person to the lead's activities, and marks the lead
 * converted with links to all three. One transaction: on any error nothing is
 * written. A converted lead is refused (CONFLICT, reason ALREADY_CONVERTED).
 */
export async function convertLead(records: PluginRecords, leadId: string, input: ConvertLeadInput = {}): Promise<ConvertLeadResult> {
  return records.transaction(async (tx) => {
    // Locked until the end: a second conversion of the lead waits, then finds it converted.
    const lead = await tx.lock('lead', leadId);
    if (!lead) throw new NotFoundError(`No lead with id ${leadId}`, { id: leadId });
    if (lead.data.status === 'converted') {
      throw new ConflictError(`Lead ${leadId} is already converted`, { reason: 'ALREADY_CONVERTED', personId: lead.data.convertedPerson ?? null });
    }
    const named = await resolveNamed(tx, input);
    const d = lead.data;
    // The new records belong to the lead's owner, as the lead did.
    const owner = lead.ownerId ? { ownerId: lead.ownerId } : {};

    let company = named.company;
    const companyName = text(d.companyName);
    if (!company && companyName) {
      company = await tx.create('company', { name: companyName, website: d.website ?? null, industry: d.industry ?? null, ...owner });
    }

    let person = named.person;
    if (!person) {
      person = await tx.create('person', {
        firstName: d.firstName ?? null,
        lastName: d.lastName ?? null,
        email: d.email ?? null,
        phone: d.phone ?? null,
        jobTitle: d.jobTitle ?? null,
        company: company?.id ?? null,
        ...owner,
      });
    } else if (company && !person.data.company) {
      person = await tx.update('person', person.id, { company: company.id });
    }

    let opportunity: RecordRow | null = null;
    if (!input.skipOpportunity) {
      opportunity = await tx.create('opportunity', {
        name: text(input.opportunityName) ?? text(company?.data.name) ?? fullName(person.data) ?? 'New opportunity',
        company: company?.id ?? null,
        contacts: { connect: [person.id] },
        source: d.source ?? null,
        campaign: d.campaign ?? null,
        ...owner,
      });
    }

    await carryActivities(tx, lead.id, person.id);

    const converted = await tx.update(
      'lead',
      lead.id,
      {
        status: 'converted',
        convertedAt: new Date().toISOString(),
        convertedPerson: person.id,
        convertedCompany: company?.id ?? null,
        convertedOpportunity: opportunity?.id ?? null,
      },
      { expectedVersion: lead.version },
    );
    return { lead: converted, person, company, opportunity };
  });
}

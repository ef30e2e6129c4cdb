import { sql } from 'kysely';
import { containing } from '../../db/like-patterns';
import type { HelpdeskContact } from '../../db/schema';
import { tenantOf, type TenantTransaction } from '../../db/tenant-scope';
import { recordAudit, type AuditContext } from '../../platform/audit/audit-log';
import { DomainError, notFound } from '../../platform/errors';
import { decodeKeysetCursor, encodeKeysetCursor } from '../../platform/keyset-cursor';
import { normalisePhone } from '../../platform/phones';

export interface ContactView {
  id: string;
  name: string;
  phone: string;
  email: string | null;
  tags: string[];
  notes: string;
  customFields: Record<string, string>;
  createdAt: Date;
}

export const toContactView = (contact: HelpdeskContact): ContactView => ({
  id: contact.id,
  name: contact.name,
  phone: contact.phone,
  email: contact.email,
  tags: contact.tags,
  notes: contact.notes,
  customFields: contact.custom_fields,
  createdAt: contact.created_at,
});

/** A phone in E.164, or a 400 that says why (ERR_INVALID_NUMBER on REST). */
export function phoneOrFail(raw: string): string {
  const normalised = normalisePhone(raw);
  if (!normalised.ok)
    throw new DomainError('BAD_REQUEST', 'INVALID_NUMBER', `${normalised.reason}: ${raw.slice(0, 40)}`, { number: raw.slice(0, 40) });
  return normalised.e164;
}

export interface PhoneBook {
  byPhone: Map<string, HelpdeskContact>;
  /** Ids of the contacts this transaction created: nobody else can see them yet, so they have no tickets anywhere. */
  createdNow: ReadonlySet<string>;
}

/**
 * The contacts with these phones (E.164), by phone, each created on first contact, in two
 * statements however many. A concurrent first message from the same phone meets the unique
 * index and gets the same row. A name the provider reports fills a contact still named after its
 * number, never overwrites one a person typed. Known contacts are only read (most messages come
 * from people already in the book, and a write per message would cost a row version, its WAL and
 * a row lock held to commit); the new ones, and those whose name a provider now reports, are
 * written together.
 */
export async function contactsForPhones(
  trx: TenantTransaction,
  wanted: ReadonlyArray<{ phone: string; reportedName?: string }>,
): Promise<PhoneBook> {
  const nameByPhone = new Map<string, string>();
  for (const { phone, reportedName } of wanted) {
    const name = reportedName?.trim();
    if (name || !nameByPhone.has(phone)) nameByPhone.set(phone, name || nameByPhone.get(phone) || phone);
  }
  const phones = [...nameByPhone.keys()];
  // One index probe per phone, as messagesByExternalId explains.
  const { rows: known } = await sql<HelpdeskContact>`
    select contact.* from unnest(${phones}::text[]) as wanted (phone)
    cross join lateral (select * from helpdesk_contacts where phone = wanted.phone and merged_into_id is null limit 1) as contact`.execute(
    trx,
  );
  const contacts = new Map(known.map((contact) => [contact.phone, contact]));
  const toWrite = phones.filter((phone) => {
    const contact = contacts.get(phone);
    return !contact || (contact.name === contact.phone && nameByPhone.get(phone) !== phone);
  });
  const createdNow = new Set<string>();
  if (toWrite.length === 0) return { byPhone: contacts, createdNow };
  const written = await trx
    .insertInto('helpdesk_contacts')
    .values(toWrite.map((phone) => ({ tenant_id: tenantOf(trx), phone, name: nameByPhone.get(phone)! })))
    .onConflict((oc) =>
      oc
        .columns(['tenant_id', 'phone'])
        .where('merged_into_id', 'is', null)
        .doUpdateSet({
          name: sql`case when helpdesk_contacts.name = helpdesk_contacts.phone then excluded.name else helpdesk_contacts.name end`,
        }),
    )
    .returningAll()
    // A row this statement inserted (rather than updated) has no xmax yet.
    .returning(sql<boolean>`xmax = 0`.as('created_now'))
    .execute();
  for (const { created_now: created, ...contact } of written) {
    contacts.set(contact.phone, contact);
    if (created) createdNow.add(contact.id);
  }
  return { byPhone: contacts, createdNow };
}

export async function findContact(trx: TenantTransaction, id: string): Promise<HelpdeskContact> {
  const contact = await trx.selectFrom('helpdesk_contacts').selectAll().where('id', '=', id).executeTakeFirst();
  if (!contact) throw notFound('Contato');
  return contact;
}

const CONTACT_PAGE = 50;

/** Contacts by name or phone, alphabetical, keyset-paged on (lower(name), id). */
export async function listContacts(
  trx: TenantTransaction,
  input: { search?: string; cursor?: string },
): Promise<{ items: ContactView[]; nextCursor: string | null }> {
  let query = trx
    .selectFrom('helpdesk_contacts')
    .selectAll()
    .select(sql<string>`lower(name)`.as('sort_name'))
    .where('merged_into_id', 'is', null);
  if (input.search) query = query.where('id', 'in', contactsMatching(input.search));
  if (input.cursor) {
    const [name, id] = decodeKeysetCursor(input.cursor, 'text');
    query = query.where((eb) => eb.or([eb(sql`lower(name)`, '>', name), eb.and([eb(sql`lower(name)`, '=', name), eb('id', '>', id)])]));
  }
  const rows = await query
    .orderBy(sql`lower(name)`)
    .orderBy('id')
    .limit(CONTACT_PAGE + 1)
    .execute();
  const page = rows.slice(0, CONTACT_PAGE);
  const last = page.at(-1);
  return {
    items: page.map(toContactView),
    nextCursor: rows.length > CONTACT_PAGE && last ? encodeKeysetCursor(last.sort_name, last.id) : null,
  };
}

export async function updateContact(
  trx: TenantTransaction,
  audit: AuditContext,
  input: {
    id: string;
    name?: string;
    phone?: string;
    email?: string | null;
    tags?: string[];
    notes?: string;
    customFields?: Record<string, string>;
  },
): Promise<ContactView> {
  const before = await findContact(trx, input.id);
  const phone = input.phone === undefined ? before.phone : phoneOrFail(input.phone);
  if (phone !== before.phone) {
    const taken = await trx
      .selectFrom('helpdesk_contacts')
      .select('id')
      .where('phone', '=', phone)
      .where('merged_into_id', 'is', null)
      .executeTakeFirst();
    if (taken)
      throw new DomainError('CONFLICT', 'PHONE_TAKEN', 'Outro contato já usa este telefone; mescle os dois', { contactId: taken.id });
  }
  const after = await trx
    .updateTable('helpdesk_contacts')
    .set({
      name: input.name ?? before.name,
      phone,
      email: input.email === undefined ? before.email : input.email,
      tags: input.tags ?? before.tags,
      notes: input.notes ?? before.notes,
      custom_fields: JSON.stringify(input.customFields ?? before.custom_fields),
      updated_at: new Date(),
    })
    .where('id', '=', before.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  const view = (contact: HelpdeskContact) => ({
    name: contact.name,
    phone: contact.phone,
    email: contact.email,
    tags: contact.tags,
    notes: contact.notes,
    customFields: contact.custom_fields,
  });
  await recordAudit(trx, audit, {
    action: 'helpdesk.contact.updated',
    entity: 'helpdesk_contact',
    entityId: before.id,
    before: view(before),
    after: view(after),
  });
  return toContactView(after);
}

/**
 * Folds `sourceId` into `targetId`: tickets and messages move to the target, tags and notes are
 * kept, and the source stays as a merged row (its phone freed) so history that names it still
 * resolves. Refused while both have an active ticket on one channel: an agent closes one first.
 */
export async function mergeContacts(
  trx: TenantTransaction,
  audit: AuditContext,
  input: { sourceId: string; targetId: string },
): Promise<ContactView> {
  if (input.sourceId === input.targetId) throw new DomainError('BAD_REQUEST', 'MERGE_SAME_CONTACT', 'Escolha dois contatos diferentes');
  const source = await findContact(trx, input.sourceId);
  const target = await findContact(trx, input.targetId);
  if (source.merged_into_id || target.merged_into_id)
    throw new DomainError('CONFLICT', 'CONTACT_ALREADY_MERGED', 'Um dos contatos já foi mesclado');
  const clash = await trx
    .selectFrom('helpdesk_tickets as s')
    .innerJoin('helpdesk_tickets as t', (join) => join.onRef('t.channel_id', '=', 's.channel_id'))
    .select(['s.number as sourceNumber', 't.number as targetNumber'])
    .where('s.contact_id', '=', source.id)
    .where('t.contact_id', '=', target.id)
    .where('s.status', 'in', ['pending', 'open'])
    .where('t.status', 'in', ['pending', 'open'])
    .executeTakeFirst();
  if (clash) {
    throw new DomainError(
      'CONFLICT',
      'ACTIVE_TICKETS_CONFLICT',
      `Os dois contatos têm tickets ativos no mesmo canal (#${clash.sourceNumber} e #${clash.targetNumber}); encerre um deles antes`,
      clash,
    );
  }
  await trx.updateTable('helpdesk_tickets').set({ contact_id: target.id }).where('contact_id', '=', source.id).execute();
  await trx.updateTable('helpdesk_messages').set({ contact_id: target.id }).where('contact_id', '=', source.id).execute();
  await trx
    .updateTable('helpdesk_contacts')
    .set({ merged_into_id: target.id, updated_at: new Date() })
    .where('id', '=', source.id)
    .execute();
  const merged = await trx
    .updateTable('helpdesk_contacts')
    .set({
      tags: [...new Set([...target.tags, ...source.tags])],
      notes: [target.notes, source.notes].filter((note) => note.trim()).join('\n\n'),
      email: target.email ?? source.email,
      custom_fields: JSON.stringify({ ...source.custom_fields, ...target.custom_fields }),
      updated_at: new Date(),
    })
    .where('id', '=', target.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, audit, {
    action: 'helpdesk.contact.merged',
    entity: 'helpdesk_contact',
    entityId: target.id,
    before: { sourceId: source.id, sourcePhone: source.phone, sourceName: source.name },
    after: { mergedInto: target.id },
  });
  return toContactView(merged);
}

/**
 * Contacts of the current tenant whose name or phone contains `search`, as a subquery. It goes
 * through helpdesk_contacts_matching (see the migration) so the trigram indexes serve it.
 */
export function contactsMatching(search: string) {
  const namePattern = containing(search);
  const digits = search.replace(/\D/g, '');
  const phonePattern = digits.length >= 3 ? `%${digits}%` : null;
  return sql<string>`(select id from helpdesk_contacts_matching(${namePattern}, ${phonePattern}))`;
}

import { sql, type Kysely } from 'kysely';

// Frozen: never edit after it has landed; add a new migration instead.

/**
 * When "chat from the helpdesk" was last switched on: a helpdesk message feeds the chat agent only
 * if it arrived at or after that moment, so the switch acts on the state at arrival, not on the
 * state when the message's event happens to be handled.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table agenda_settings add column chat_from_helpdesk_since timestamptz`.execute(db);
  await sql`update agenda_settings set chat_from_helpdesk_since = updated_at where chat_from_helpdesk`.execute(db);
}

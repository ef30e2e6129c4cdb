import { sql, type Kysely } from 'kysely';

// Frozen: never edit after it has landed; add a new migration instead.

/** When a channel's webhook last refused a call for a wrong secret or signature (an n8n workflow left with an old secret). */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table helpdesk_channels add column webhook_refused_at timestamptz`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table helpdesk_channels drop column webhook_refused_at`.execute(db);
}

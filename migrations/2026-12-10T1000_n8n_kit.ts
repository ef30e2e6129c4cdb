import { sql, type Kysely } from 'kysely';

// Frozen: never edit after it has landed; add a new migration instead.

/**
 * A channel keeps the secret it had before its last rotation (sealed, and its digest), so a call
 * that still carries it is known for what it is — an n8n workflow left with the old secret — and
 * the time of the last such call, which the channel's page flags.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table helpdesk_channels
      add column previous_webhook_secret_sealed text,
      add column previous_webhook_secret_hash text,
      add column webhook_refused_at timestamptz`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    alter table helpdesk_channels
      drop column webhook_refused_at,
      drop column previous_webhook_secret_hash,
      drop column previous_webhook_secret_sealed`.execute(db);
}

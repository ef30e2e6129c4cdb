import { sql, type Kysely } from 'kysely';

// Frozen: never edit after it has landed; add a new migration instead.

/** How long a tenant keeps stored media (null: for good), and the index its daily clean-up reads by. */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table helpdesk_settings
      add column media_retention_days integer check (media_retention_days between 1 and 3650)`.execute(db);
  await sql`create index helpdesk_media_tenant_created on helpdesk_media (tenant_id, created_at)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index helpdesk_media_tenant_created`.execute(db);
  await sql`alter table helpdesk_settings drop column media_retention_days`.execute(db);
}

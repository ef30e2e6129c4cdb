import { sql, type Kysely } from 'kysely';

// Frozen: never edit after it has landed; add a new migration instead.

// The indexes the daily housekeeping walks: each tenant's (or, for job runs, the system's) rows
// past retention, oldest first, found without reading the rows that stay.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index events_retention on events (tenant_id, occurred_at)`.execute(db);
  await sql`create index job_runs_retention on job_runs (tenant_id, slot)`.execute(db);
  await sql`create index deliveries_retention on deliveries (tenant_id, updated_at) where status <> 'pending'`.execute(db);
  await sql`create index refresh_tokens_retired on refresh_tokens (tenant_id, (least(revoked_at, rotated_at))) where revoked_at is not null or rotated_at is not null`.execute(
    db,
  );
  await sql`create index helpdesk_api_calls_retention on helpdesk_api_calls (tenant_id, at)`.execute(db);
  await sql`create index helpdesk_channel_status_events_retention on helpdesk_channel_status_events (tenant_id, at)`.execute(db);
  await sql`create index queue_call_requests_retention on queue_call_requests (tenant_id, created_at)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const index of [
    'queue_call_requests_retention',
    'helpdesk_channel_status_events_retention',
    'helpdesk_api_calls_retention',
    'refresh_tokens_retired',
    'deliveries_retention',
    'job_runs_retention',
    'events_retention',
  ]) {
    await sql`drop index if exists ${sql.ref(index)}`.execute(db);
  }
}

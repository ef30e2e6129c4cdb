import { sql, type Kysely } from 'kysely';
import type { Database } from './database';
import type { DB } from './schema';
import { withSystem } from './system-scope';
import { Migrator, type MigrationResultSet } from 'kysely/migration';
import { migrations } from '../../migrations';

// Imported, not read from disk at run time: works the same under tsx, vitest and a bundle.
const migrationProvider = { getMigrations: async () => migrations };

const MIGRATION_TABLE = 'schema_migrations';

export function createMigrator(db: Kysely<DB>): Migrator {
  return new Migrator({
    db,
    provider: migrationProvider,
    migrationTableName: MIGRATION_TABLE,
    migrationLockTableName: 'schema_migrations_lock',
  });
}

/**
 * True when exactly the known migrations have run (two small queries). Kysely's Migrator finds
 * its tables by listing every table with its columns, several times per run, which costs most of
 * a warm start on the embedded database; anything but an exact match goes through the Migrator.
 */
async function isUpToDate(db: Kysely<DB>): Promise<boolean> {
  const { rows: table } = await sql<{ name: string | null }>`select to_regclass(${MIGRATION_TABLE})::text as name`.execute(db);
  if (!table[0]?.name) return false;
  const { rows } = await sql<{ name: string }>`select name from ${sql.table(MIGRATION_TABLE)} order by name collate "C"`.execute(db);
  const known = Object.keys(migrations).sort();
  return rows.length === known.length && rows.every((row, index) => row.name === known[index]);
}

export class MigrationError extends Error {}

function assertSucceeded({ error, results }: MigrationResultSet): string[] {
  if (error) {
    const failed = results?.find((result) => result.status === 'Error');
    const reason = error instanceof Error ? error.message : String(error);
    throw new MigrationError(`Migration ${failed?.migrationName ?? '(unknown)'} failed: ${reason}`, { cause: error });
  }
  return (results ?? []).map((result) => result.migrationName);
}

/** Migrations run as the tables' owner. */
export async function migrateToLatest(database: Pick<Database, 'asOwner'>): Promise<string[]> {
  return database.asOwner(async (owner) =>
    (await isUpToDate(owner)) ? [] : assertSucceeded(await createMigrator(owner).migrateToLatest()),
  );
}

export async function migrateDown(database: Pick<Database, 'asOwner'>): Promise<string[]> {
  return database.asOwner(async (owner) => assertSucceeded(await createMigrator(owner).migrateDown()));
}

export interface MigrationStatus {
  name: string;
  executedAt: Date | null;
}

export async function migrationStatus(database: Pick<Database, 'asOwner'>): Promise<MigrationStatus[]> {
  const migrations = await database.asOwner((owner) => createMigrator(owner).getMigrations());
  return migrations.map((migration) => ({ name: migration.name, executedAt: migration.executedAt ?? null }));
}

/** For the readiness check, through the system path: the application's role cannot run migrations. */
export async function hasPendingMigrations(db: Kysely<DB>): Promise<boolean> {
  return withSystem(db, async (trx) => {
    if (await isUpToDate(trx)) return false;
    const migrations = await createMigrator(trx).getMigrations();
    return migrations.some((migration) => !migration.executedAt);
  });
}

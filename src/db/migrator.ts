import type { Kysely } from 'kysely';
import type { Database } from './database';
import type { DB } from './schema';
import { withSystem } from './system-scope';
import { Migrator, type MigrationResultSet } from 'kysely/migration';
import { migrations } from '../../migrations';

// Imported, not read from disk at run time: works the same under tsx, vitest and a bundle.
const migrationProvider = { getMigrations: async () => migrations };

export function createMigrator(db: Kysely<DB>): Migrator {
  return new Migrator({
    db,
    provider: migrationProvider,
    migrationTableName: 'schema_migrations',
    migrationLockTableName: 'schema_migrations_lock',
  });
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
  return database.asOwner(async (owner) => assertSucceeded(await createMigrator(owner).migrateToLatest()));
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
  const migrations = await withSystem(db, (trx) => createMigrator(trx).getMigrations());
  return migrations.some((migration) => migration.executedAt === null);
}

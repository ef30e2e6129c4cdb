import type { Kysely } from 'kysely';
import type { DB } from './schema';
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

export async function migrateToLatest(db: Kysely<DB>): Promise<string[]> {
  return assertSucceeded(await createMigrator(db).migrateToLatest());
}

export async function migrateDown(db: Kysely<DB>): Promise<string[]> {
  return assertSucceeded(await createMigrator(db).migrateDown());
}

export interface MigrationStatus {
  name: string;
  executedAt: Date | null;
}

export async function migrationStatus(db: Kysely<DB>): Promise<MigrationStatus[]> {
  const migrations = await createMigrator(db).getMigrations();
  return migrations.map((migration) => ({ name: migration.name, executedAt: migration.executedAt ?? null }));
}

export async function hasPendingMigrations(db: Kysely<DB>): Promise<boolean> {
  return (await migrationStatus(db)).some((migration) => migration.executedAt === null);
}

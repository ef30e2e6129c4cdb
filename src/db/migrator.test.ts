import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrations } from '../../migrations';
import { createTestDatabase } from '../../test/support/database';
import type { Database } from './database';
import { hasPendingMigrations, MigrationError, migrateToLatest } from './migrator';

describe('the migration check at every start and on /ready', () => {
  let database: Database;
  const newest = Object.keys(migrations).sort().at(-1)!;

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.close());

  const ownerSql = <Row>(query: ReturnType<typeof sql<Row>>) => database.asOwner((owner) => query.execute(owner));

  it('finds a migrated database up to date: nothing applied, nothing pending', async () => {
    expect(await migrateToLatest(database)).toEqual([]);
    expect(await hasPendingMigrations(database.db)).toBe(false);
  });

  it('sees a migration that the table lacks as pending', async () => {
    const { rows } = await ownerSql(sql<{ timestamp: string }>`select timestamp from schema_migrations where name = ${newest}`);
    await ownerSql(sql`delete from schema_migrations where name = ${newest}`);
    try {
      expect(await hasPendingMigrations(database.db)).toBe(true);
    } finally {
      await ownerSql(sql`insert into schema_migrations (name, timestamp) values (${newest}, ${rows[0]!.timestamp})`);
    }
    expect(await hasPendingMigrations(database.db)).toBe(false);
  });

  it('refuses to start on a database migrated by a newer release (a migration this code does not know)', async () => {
    const unknown = '2999-01-01T0000_from_a_newer_release';
    await ownerSql(sql`insert into schema_migrations (name, timestamp) values (${unknown}, ${new Date().toISOString()})`);
    try {
      await expect(migrateToLatest(database)).rejects.toThrow(MigrationError);
      await expect(migrateToLatest(database)).rejects.toThrow(unknown);
    } finally {
      await ownerSql(sql`delete from schema_migrations where name = ${unknown}`);
    }
    expect(await migrateToLatest(database)).toEqual([]);
  });
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PGliteDialect, sql } from 'kysely';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { migrateToLatest } from '../../src/db/migrator';
import type { DB } from '../../src/db/schema';
import { TEMPLATE_DATABASE, postgresUrlFor } from './database';

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteDumpFile: string | null;
    postgresTemplateUrl: string | null;
  }
}

/**
 * Migrates once per run: a template database on Postgres (TEST_DATABASE_URL), or a dumped
 * PGlite data dir otherwise. Each test file then gets its own copy in well under a second.
 */
export default async function setup(project: TestProject) {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (serverUrl) {
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`drop database if exists ${TEMPLATE_DATABASE} with (force)`);
    await admin.query(`create database ${TEMPLATE_DATABASE}`);
    await admin.end();
    const db = new Kysely<DB>({ dialect: new (await import('kysely')).PostgresDialect({ pool: new pg.Pool({ connectionString: postgresUrlFor(serverUrl, TEMPLATE_DATABASE), max: 1 }) }) });
    await migrateToLatest(db);
    await db.destroy();
    project.provide('postgresTemplateUrl', serverUrl);
    project.provide('pgliteDumpFile', null);
    console.log(`[tests] Postgres: ${new URL(serverUrl).host}, template ${TEMPLATE_DATABASE}`);
    return async () => {
      const cleanup = new pg.Client({ connectionString: serverUrl });
      await cleanup.connect();
      const { rows } = await cleanup.query<{ datname: string }>(`select datname from pg_database where datname like 'balcao_test_%'`);
      for (const row of rows) await cleanup.query(`drop database if exists ${row.datname} with (force)`);
      await cleanup.query(`drop database if exists ${TEMPLATE_DATABASE} with (force)`);
      await cleanup.end();
    };
  }
  const pglite = await PGlite.create();
  const db = new Kysely<DB>({ dialect: new PGliteDialect({ pglite }) });
  await migrateToLatest(db);
  await sql`checkpoint`.execute(db);
  const dump = await pglite.dumpDataDir('none');
  await db.destroy();
  const folder = mkdtempSync(path.join(os.tmpdir(), 'balcao-tests-'));
  const dumpFile = path.join(folder, 'migrated.tar');
  writeFileSync(dumpFile, Buffer.from(await dump.arrayBuffer()));
  project.provide('pgliteDumpFile', dumpFile);
  project.provide('postgresTemplateUrl', null);
  console.log('[tests] embedded PGlite (set TEST_DATABASE_URL to run on a Postgres server)');
  return () => rmSync(folder, { recursive: true, force: true });
}

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLITE_EXTENSIONS } from '../../src/db/database';
import { Kysely, PGliteDialect, sql } from 'kysely';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { createDatabase } from '../../src/db/database';
import { migrateToLatest } from '../../src/db/migrator';
import type { DB } from '../../src/db/schema';
import { postgresUrlFor, runDatabasePrefix, templateDatabaseFor } from './database';

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteDumpFile: string | null;
    postgresTemplateUrl: string | null;
    databaseRunId: string;
  }
}

/**
 * Migrates once per run: a template database on Postgres (TEST_DATABASE_URL), or a dumped
 * PGlite data dir otherwise. Each test file then gets its own copy in well under a second.
 */
export default async function setup(project: TestProject) {
  const serverUrl = process.env.TEST_DATABASE_URL;
  // Names carry a run id, so runs sharing one Postgres server never drop each other's databases.
  const runId = `${process.pid.toString(36)}${Date.now().toString(36)}`;
  const TEMPLATE_DATABASE = templateDatabaseFor(runId);
  project.provide('databaseRunId', runId);
  if (serverUrl) {
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`drop database if exists ${TEMPLATE_DATABASE} with (force)`);
    await admin.query(`create database ${TEMPLATE_DATABASE}`);
    await admin.end();
    const template = await createDatabase({ kind: 'postgres', url: postgresUrlFor(serverUrl, TEMPLATE_DATABASE), poolSize: 1 });
    await migrateToLatest(template);
    await template.close();
    project.provide('postgresTemplateUrl', serverUrl);
    project.provide('pgliteDumpFile', null);
    console.log(`[tests] Postgres: ${new URL(serverUrl).host}, template ${TEMPLATE_DATABASE}`);
    return async () => {
      const cleanup = new pg.Client({ connectionString: serverUrl });
      await cleanup.connect();
      const { rows } = await cleanup.query<{ datname: string }>(
        `select datname from pg_database where datname like '${runDatabasePrefix(runId)}%'`,
      );
      for (const row of rows) await cleanup.query(`drop database if exists ${row.datname} with (force)`);
      await cleanup.query(`drop database if exists ${TEMPLATE_DATABASE} with (force)`);
      await cleanup.end();
    };
  }
  const pglite = await PGlite.create({ extensions: PGLITE_EXTENSIONS });
  const db = new Kysely<DB>({ dialect: new PGliteDialect({ pglite }) });
  await migrateToLatest({ asOwner: (work) => work(db) });
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

import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { inject } from 'vitest';
import { createDatabase, type Database } from '../../src/db/database';

export const runDatabasePrefix = (runId: string) => `balcao_test_${runId}_`;
export const templateDatabaseFor = (runId: string) => `${runDatabasePrefix(runId)}template`;

export function postgresUrlFor(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** A fresh, migrated database for one test file: a copy of the template, or a loaded PGlite dump. */
export async function createTestDatabase(): Promise<Database & { url?: string }> {
  const serverUrl = inject('postgresTemplateUrl');
  if (serverUrl) {
    const runId = inject('databaseRunId');
    const name = `${runDatabasePrefix(runId)}${randomBytes(5).toString('hex')}`;
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`create database ${name} template ${templateDatabaseFor(runId)}`);
    await admin.end();
    const url = postgresUrlFor(serverUrl, name);
    const database = await createDatabase({ kind: 'postgres', url, poolSize: 10 });
    return {
      ...database,
      url,
      close: async () => {
        await database.close();
        const cleanup = new pg.Client({ connectionString: serverUrl });
        await cleanup.connect();
        await cleanup.query(`drop database if exists ${name} with (force)`);
        await cleanup.end();
      },
    };
  }
  const dumpFile = inject('pgliteDumpFile');
  if (!dumpFile) throw new Error('global setup did not prepare a database');
  return createDatabase({ kind: 'pglite', loadDataDir: new Blob([readFileSync(dumpFile)]) });
}

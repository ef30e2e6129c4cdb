import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { Kysely, PGliteDialect, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { DB } from './schema';

export type DatabaseTarget =
  | { kind: 'postgres'; url: string; poolSize: number }
  /** Embedded: file-backed in dataDir, or in memory (optionally starting from a dumped data dir). */
  | { kind: 'pglite'; dataDir?: string; loadDataDir?: Blob };

export interface Database {
  /**
   * Runs as the role `app_rls`: it sees no tenant's rows until `withTenant` names one, and reaches
   * across tenants only through `withSystem` (src/db/system-scope.ts).
   */
  db: Kysely<DB>;
  kind: DatabaseTarget['kind'];
  /** The pg pool, when on Postgres (benchmarks compare against it). */
  pool?: pg.Pool;
  /** The embedded engine, when on PGlite (benchmarks compare against it). */
  pglite?: PGlite;
  ping(): Promise<void>;
  /** Runs `work` as the tables' owner: migrations and nothing else. */
  asOwner<T>(work: (owner: Kysely<DB>) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** The role every application connection runs as: row-level security applies to it. */
export const APPLICATION_ROLE = 'app_rls';

export class EmbeddedDatabaseLockedError extends Error {
  constructor(dataDir: string, pid: number) {
    super(
      `O banco embutido em ${dataDir} está em uso por outro processo do Balcão (pid ${pid}). ` +
        'Pare esse processo antes, ou aponte DATABASE_URL para um servidor Postgres. Nada foi alterado.',
    );
  }
}

const INT8_OID = 20;
const XID8_OID = 5069;
/** A calendar date has no time zone: read as 'YYYY-MM-DD', not as a Date at some zone's midnight. */
const DATE_OID = 1082;
const keepAsText = (value: string) => value;

export async function createDatabase(target: DatabaseTarget): Promise<Database> {
  return target.kind === 'postgres'
    ? createPostgresDatabase(target.url, target.poolSize)
    : createEmbeddedDatabase(target.dataDir, target.loadDataDir);
}

const postgresTypes = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === XID8_OID || oid === DATE_OID ? keepAsText : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/** pg-pool's answer when every connection stayed busy for the whole checkout timeout: the server is overloaded, not broken. */
export function isPoolExhausted(error: unknown): boolean {
  return error instanceof Error && error.message === 'timeout exceeded when trying to connect';
}

function createPostgresDatabase(url: string, poolSize: number): Database {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    // Set at connection start, so no connection of the pool ever runs as the owner.
    options: `-c role=${APPLICATION_ROLE}`,
    types: postgresTypes,
  });
  // A broken idle connection must not crash the process; the next checkout reconnects.
  pool.on('error', () => undefined);
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    kind: 'postgres',
    pool,
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    asOwner: async (work) => {
      const owner = new Kysely<DB>({
        dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 1, types: postgresTypes }) }),
      });
      try {
        return await work(owner);
      } finally {
        await owner.destroy();
      }
    },
    close: () => db.destroy(),
  };
}

/** Extensions the migrations create; the embedded engine loads them the way a server has them installed. */
export const PGLITE_EXTENSIONS = { pg_trgm, btree_gist };

async function createEmbeddedDatabase(dataDir: string | undefined, loadDataDir: Blob | undefined): Promise<Database> {
  const releaseLock = dataDir ? acquireDataDirLock(dataDir) : () => undefined;
  try {
    if (dataDir) mkdirSync(dataDir, { recursive: true });
    const parsers = { [INT8_OID]: keepAsText, [XID8_OID]: keepAsText, [DATE_OID]: keepAsText };
    const pglite = await PGlite.create({
      ...(dataDir ? { dataDir } : {}),
      ...(loadDataDir ? { loadDataDir } : {}),
      parsers,
      extensions: PGLITE_EXTENSIONS,
    });
    const db = new Kysely<DB>({ dialect: new PGliteDialect({ pglite }) });
    // One session serves everything here: it runs as the application role, and as the owner only inside asOwner.
    const becomeApplication = async () => {
      await sql`select set_config('role', ${APPLICATION_ROLE}, false) from pg_roles where rolname = ${APPLICATION_ROLE}`.execute(db);
    };
    await becomeApplication();
    return {
      db,
      kind: 'pglite',
      pglite,
      ping: async () => {
        await sql`select 1`.execute(db);
      },
      asOwner: async (work) => {
        await sql`reset role`.execute(db);
        try {
          return await work(db);
        } finally {
          await becomeApplication();
        }
      },
      close: async () => {
        await db.destroy();
        releaseLock();
      },
    };
  } catch (error) {
    releaseLock();
    throw error;
  }
}

/**
 * PGlite is single-process: two processes opening one data dir corrupt it. A pid lock file
 * makes the second one fail before it touches anything.
 */
function acquireDataDirLock(dataDir: string): () => void {
  const lockFile = path.join(path.dirname(path.resolve(dataDir)), `${path.basename(dataDir)}.lock`);
  mkdirSync(path.dirname(lockFile), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      const fd = openSync(lockFile, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => {
        if (existsSync(lockFile) && readFileSync(lockFile, 'utf8').trim() === String(process.pid)) rmSync(lockFile);
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(readFileSync(lockFile, 'utf8').trim());
      if (Number.isInteger(holder) && holder > 0 && isProcessAlive(holder)) throw new EmbeddedDatabaseLockedError(dataDir, holder);
      rmSync(lockFile, { force: true }); // stale lock from a process that died
    }
  }
  throw new Error(`Could not lock ${lockFile}`);
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

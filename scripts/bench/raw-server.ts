import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { PGlite } from '@electric-sql/pglite';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import type pg from 'pg';
import { isUuid } from '../../src/db/tenant-scope';
import { bearerToken } from '../../src/platform/auth/access-tokens';
import type { Services } from '../../src/services';
import { appRouter } from '../../src/trpc/app-router';
import { createHttpContext } from '../../src/trpc/context';
import { inPoolTransaction } from './support';

/**
 * The baseline for bench:http, in the app's process and on its own connections (the pg pool, or the
 * embedded engine): node:http handlers that do users.get's JWT check and select, without Express,
 * tRPC or the identity directory.
 *   /users.get        one select with the tenant filter (1 round trip)
 *   /rls/users.get    the select inside withTenant's transaction: begin, set_config, select, commit (4)
 *   /rls3/users.get   the same transaction with begin + set_config sent as one simple query (3)
 *   /trpc/…           the app's tRPC router on tRPC's node:http adapter, without the app's request observer
 */

const USER_SELECT = `select users.*, roles.key as role_key from users inner join roles on roles.id = users.role_id
  where users.id = $1 and users.tenant_id = $2`;

interface UserRow {
  id: string;
  email: string;
  name: string;
  role_key: string;
  active: boolean;
  last_login_at: Date | null;
  created_at: Date;
}

type Transaction = 'none' | 'rls' | 'rls3';
const ROUTES: Record<string, Transaction> = { '/users.get': 'none', '/rls/users.get': 'rls', '/rls3/users.get': 'rls3' };

/** tRPC's UserView inside tRPC's result envelope, so one expected body fits every target. */
const userBody = (user: UserRow) =>
  JSON.stringify({
    result: {
      data: {
        id: user.id,
        email: user.email,
        name: user.name,
        role: user.role_key,
        active: user.active,
        lastLoginAt: user.last_login_at?.toISOString() ?? null,
        createdAt: user.created_at.toISOString(),
      },
    },
  });

/** Plain SQL on the app's own engine: a statement, or several in one transaction on one session. */
export interface RawSql {
  query<Row>(text: string, values?: unknown[]): Promise<{ rows: Row[] }>;
  /** `begin`, then `work`, then `commit`; with `beginWith` (no parameters), begin and that statement go as one message. */
  inTransaction<T>(work: (query: RawSql['query']) => Promise<T>, beginWith?: string): Promise<T>;
}

export function rawSqlOnPool(pool: pg.Pool): RawSql {
  return {
    query: async (text, values) => ({ rows: (await pool.query(text, values)).rows as never[] }),
    inTransaction: (work, beginWith) =>
      inPoolTransaction(
        pool,
        (client) => work(async (text, values) => ({ rows: (await client.query(text, values)).rows as never[] })),
        beginWith,
      ),
  };
}

/** The embedded engine is one session: its own transaction() holds it for the whole transaction. */
export function rawSqlOnPglite(pglite: PGlite): RawSql {
  return {
    query: async (text, values) => ({ rows: (await pglite.query(text, values)).rows as never[] }),
    inTransaction: (work, beginWith) =>
      pglite.transaction(async (tx) => {
        if (beginWith) await tx.query(beginWith);
        return work(async (text, values) => ({ rows: (await tx.query(text, values)).rows as never[] }));
      }),
  };
}

async function selectUser(raw: RawSql, transaction: Transaction, id: string, tenantId: string): Promise<UserRow | undefined> {
  if (transaction === 'none') return (await raw.query<UserRow>(USER_SELECT, [id, tenantId])).rows[0];
  if (transaction === 'rls')
    return raw.inTransaction(async (query) => {
      await query(`select set_config('role', 'app_rls', true), set_config('app.tenant_id', $1, true)`, [tenantId]);
      return (await query<UserRow>(USER_SELECT, [id, tenantId])).rows[0];
    });
  if (!isUuid(tenantId)) throw new Error('not a tenant id');
  return raw.inTransaction(
    async (query) => (await query<UserRow>(USER_SELECT, [id, tenantId])).rows[0],
    `select set_config('role', 'app_rls', true), set_config('app.tenant_id', '${tenantId}', true)`,
  );
}

function send(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

export function startRawServer(services: Services, raw: RawSql): Promise<Server> {
  const trpc = createHTTPHandler({
    router: appRouter,
    basePath: '/trpc/',
    createContext: ({ req, res }) => createHttpContext(services, req, res),
  });
  const answer = async (req: IncomingMessage, transaction: Transaction): Promise<[number, string]> => {
    const token = bearerToken(req.headers.authorization);
    const claims = token ? await services.signer.verify(token).catch(() => undefined) : undefined;
    if (!claims) return [401, '{"error":"UNAUTHORIZED"}'];
    const input = JSON.parse(new URL(req.url ?? '/', 'http://raw').searchParams.get('input') ?? '{}') as { id?: unknown };
    if (typeof input.id !== 'string') return [400, '{"error":"BAD_REQUEST"}'];
    const user = await selectUser(raw, transaction, input.id, claims.tenantId);
    return user ? [200, userBody(user)] : [404, '{"error":"NOT_FOUND"}'];
  };
  const server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0]!;
    if (path.startsWith('/trpc/')) return trpc(req, res);
    const transaction = ROUTES[path];
    if (!transaction) return send(res, 404, '{"error":"NOT_FOUND"}');
    answer(req, transaction).then(
      ([status, body]) => send(res, status, body),
      (error: Error) => send(res, 500, JSON.stringify({ error: error.message })),
    );
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

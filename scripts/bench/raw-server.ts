import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import type pg from 'pg';
import { isUuid } from '../../src/db/tenant-scope';
import { bearerToken } from '../../src/platform/auth/access-tokens';
import type { Services } from '../../src/services';
import { appRouter } from '../../src/trpc/app-router';
import { createHttpContext } from '../../src/trpc/context';

/**
 * The baseline for bench:http, in the app's process and on its pg pool: node:http handlers that do
 * users.get's JWT check and select, without Express, tRPC or the identity directory.
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

async function selectUser(pool: pg.Pool, transaction: Transaction, id: string, tenantId: string): Promise<UserRow | undefined> {
  if (transaction === 'none') return (await pool.query<UserRow>(USER_SELECT, [id, tenantId])).rows[0];
  const client = await pool.connect();
  try {
    if (transaction === 'rls') {
      await client.query('begin');
      await client.query(`select set_config('role', 'app_rls', true), set_config('app.tenant_id', $1, true)`, [tenantId]);
    } else {
      // No parameters: pg uses the simple protocol, which takes several statements in one message.
      if (!isUuid(tenantId)) throw new Error('not a tenant id');
      await client.query(`begin; select set_config('role', 'app_rls', true), set_config('app.tenant_id', '${tenantId}', true)`);
    }
    const { rows } = await client.query<UserRow>(USER_SELECT, [id, tenantId]);
    await client.query('commit');
    return rows[0];
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

function send(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

export function startRawServer(services: Services, pool: pg.Pool): Promise<Server> {
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
    const user = await selectUser(pool, transaction, input.id, claims.tenantId);
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

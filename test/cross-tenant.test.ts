/// <reference types="vite/client" />
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../src/db/tenant-scope';
import type { Services } from '../src/services';
import { appRouter } from '../src/trpc/app-router';
import { callerFor, seedTenant, startTestApp } from './support/app';
import {
  expectUnknownToB,
  restEndpoints,
  type CrossTenantSuite,
  type CrossTenantWorld,
  type RunningTestApp,
  type TenantSide,
} from './support/cross-tenant';
import { addUser, ownerCaller } from './support/identity';

/** Every domain's cases (and the platform's), each in a cross-tenant.cases.ts beside its code. */
const suites = Object.values(
  import.meta.glob<{ crossTenantSuite: CrossTenantSuite<object> }>('../src/**/cross-tenant.cases.ts', { eager: true }),
).map((module) => module.crossTenantSuite);

/** Served by the process for everyone, with no tenant data. */
const PROCESS_ENDPOINTS: Record<string, string> = {
  'GET /health': 'process liveness',
  'GET /ready': 'process readiness (database, migrations, Redis)',
  'GET /metrics': 'process metrics, no tenant data',
};

async function prepareSide(services: Services, which: 'a' | 'b'): Promise<TenantSide & Record<string, unknown>> {
  const tenant = await seedTenant(services, { modules: ['helpdesk', 'agenda', 'queue', 'usage', 'inventory'] });
  const side: TenantSide = { which, tenant, owner: await ownerCaller(services, tenant), user: await addUser(services, tenant, 'agent') };
  let fixture: Record<string, unknown> = {};
  for (const suite of suites) fixture = { ...fixture, ...(await suite.prepare(services, side)) };
  return { ...side, ...fixture };
}

function snapshot(services: Services, tenantId: string) {
  return withTenant(services.db, tenantId, async (trx) => {
    const parts: Record<string, unknown> = {};
    for (const suite of suites) if (suite.snapshot) parts[suite.name] = await suite.snapshot(trx);
    return parts;
  });
}

describe('cross-tenant isolation: tenant B calls every procedure and endpoint with tenant A ids', () => {
  let app: RunningTestApp;
  // Filled in by beforeAll; suites keep references to a and b, and read the app when their cases run.
  const world = {
    a: {},
    b: {},
    expectUnknownToB,
    get app() {
      return app;
    },
  } as CrossTenantWorld<Record<string, never>>;
  let before: Awaited<ReturnType<typeof snapshot>>;
  const lazily = (build: (suite: CrossTenantSuite<object>) => Record<string, () => Promise<void>> | undefined) => {
    const cases: Record<string, () => Promise<void>> = {};
    for (const suite of suites) {
      for (const [key, run] of Object.entries(build(suite) ?? {})) {
        if (key in cases) throw new Error(`Two suites declare the case ${key}`);
        cases[key] = run;
      }
    }
    return cases;
  };
  const procedureCases = lazily((suite) => suite.procedures(world));
  const endpointCases = lazily((suite) => suite.endpoints?.(world));
  const tenantAgnostic = Object.assign({}, PROCESS_ENDPOINTS, ...suites.map((suite) => suite.tenantAgnostic ?? {})) as Record<
    string,
    string
  >;

  // Two tenants with every domain's data: seconds on an idle machine, minutes on a saturated one.
  beforeAll(async () => {
    app = await startTestApp();
    for (const suite of suites) await suite.setup?.(app);
    Object.assign(world.a, await prepareSide(app.services, 'a'));
    Object.assign(world.b, await prepareSide(app.services, 'b'));
    before = await snapshot(app.services, world.a.tenant.tenantId);
  }, 300_000);
  afterAll(async () => {
    await app.stop();
  });

  it('every procedure of the app router and every REST endpoint has a case, or a reason it holds no tenant data', () => {
    const procedures = Object.keys(appRouter._def.procedures).sort();
    const endpoints = restEndpoints(app.services);
    const covered = (key: string) => key in procedureCases || key in endpointCases || key in tenantAgnostic;
    expect(
      procedures.filter((path) => !covered(path)),
      'add a cross-tenant case (or a reason it holds no tenant data) for these procedures',
    ).toEqual([]);
    expect(
      endpoints.filter((endpoint) => !covered(endpoint)),
      'add a cross-tenant case (or a reason it holds no tenant data) for these endpoints',
    ).toEqual([]);
    const known = new Set([...procedures, ...endpoints]);
    const stale = [...Object.keys(procedureCases), ...Object.keys(endpointCases), ...Object.keys(tenantAgnostic)].filter(
      (key) => !known.has(key),
    );
    expect(stale, 'these cases name procedures or endpoints that no longer exist').toEqual([]);
    expect([...Object.keys(procedureCases), ...Object.keys(endpointCases)].filter((key) => key in tenantAgnostic)).toEqual([]);
  });

  it.each(Object.keys(procedureCases))('%s stays within tenant B', async (path) => {
    await procedureCases[path]!();
  });

  it.each(Object.keys(endpointCases))('%s stays within tenant B', async (endpoint) => {
    await endpointCases[endpoint]!();
  });

  it("A's users still work, and nothing of A changed", async () => {
    expect(await snapshot(app.services, world.a.tenant.tenantId)).toEqual(before);
    const aUser = await callerFor(app.services, world.a.user);
    expect((await aUser.auth.me()).tenant).toMatchObject({
      id: world.a.tenant.tenantId,
      name: `Tenant ${world.a.tenant.slug}`,
      modules: ['helpdesk', 'agenda', 'queue', 'usage', 'inventory'],
    });
  });
});

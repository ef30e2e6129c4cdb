import type express from 'express';
import { expect } from 'vitest';
import { createApp } from '../../src/app';
import type { TenantTransaction } from '../../src/db/tenant-scope';
import type { Services } from '../../src/services';
import type { startTestApp, TestTenant } from './app';
import { trpcError, type Caller, type TestUser } from './identity';

export type RunningTestApp = Awaited<ReturnType<typeof startTestApp>>;

/** One tenant of the pair: its owner's caller and an agent, before any suite adds its own fixture. */
export interface TenantSide {
  which: 'a' | 'b';
  tenant: TestTenant;
  owner: Caller;
  user: TestUser;
}

export interface CrossTenantWorld<Fixture> {
  app: RunningTestApp;
  a: TenantSide & Fixture;
  b: TenantSide & Fixture;
  /** Each of A's ids answers exactly what a random uuid answers: NOT_FOUND, same message. */
  expectUnknownToB(call: (id: string) => Promise<unknown>, foreignIds: () => string[]): Promise<void>;
}

/**
 * The cross-tenant cases of one domain (a `cross-tenant.cases.ts` beside its code): what it
 * writes into each tenant, what of a tenant it compares before and after, and one case per
 * procedure (`helpdesk.tickets.get`) and per REST endpoint (`POST /api/v1/...`, with the route's
 * own path) in which tenant B, holding A's ids, stays within B.
 */
export interface CrossTenantSuite<Fixture> {
  name: string;
  /** Runs once on the app before either tenant is prepared (registering a test delivery kind, say). */
  setup?(app: RunningTestApp): Promise<void>;
  prepare(services: Services, side: TenantSide): Promise<Fixture>;
  /** What a foreign call could alter, read under the tenant's own row-level security. */
  snapshot?(trx: TenantTransaction): Promise<unknown>;
  procedures(world: CrossTenantWorld<Fixture>): Record<string, () => Promise<void>>;
  endpoints?(world: CrossTenantWorld<Fixture>): Record<string, () => Promise<void>>;
  /** Procedures and endpoints that hold no tenant data of their own, or whose isolation is checked elsewhere, with why. */
  tenantAgnostic?: Record<string, string>;
}

export function defineCrossTenantSuite<Fixture>(suite: CrossTenantSuite<Fixture>): CrossTenantSuite<Fixture> {
  return suite;
}

export async function expectUnknownToB(call: (id: string) => Promise<unknown>, foreignIds: () => string[]): Promise<void> {
  const random = await trpcError(call(crypto.randomUUID()));
  expect(random.code).toBe('NOT_FOUND');
  for (const id of foreignIds()) {
    const foreign = await trpcError(call(id));
    expect({ code: foreign.code, reason: foreign.reason, message: foreign.message }).toEqual({
      code: random.code,
      reason: random.reason,
      message: random.message,
    });
  }
}

interface RouterLayer {
  rawPath?: string | string[];
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: RouterLayer[] };
}

/** Every REST endpoint the app serves, as `METHOD /path` with the route's own parameters. */
export function restEndpoints(services: Services): string[] {
  const app = createApp(services, (_req, _res, next) => next()) as express.Express & { router: { stack: RouterLayer[] } };
  const endpoints = new Set<string>();
  const walk = (stack: RouterLayer[], prefix: string) => {
    for (const layer of stack) {
      const path = typeof layer.rawPath === 'string' ? layer.rawPath : '';
      if (layer.route) {
        for (const method of Object.keys(layer.route.methods)) endpoints.add(`${method.toUpperCase()} ${prefix}${layer.route.path}`);
      } else if (layer.handle?.stack) {
        walk(layer.handle.stack, path === '/' ? prefix : `${prefix}${path}`);
      }
    }
  };
  walk(app.router.stack, '');
  return [...endpoints].filter((endpoint) => !endpoint.includes('(')).sort();
}

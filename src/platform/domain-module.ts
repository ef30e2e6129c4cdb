import type { AnyTRPCRouter } from '@trpc/server';
import type { Router } from 'express';
import type { Kysely } from 'kysely';
import type { AppConfig } from '../config';
import type { DB } from '../db/schema';
import type { PermissionDefinition } from './auth/permissions';
import type { SecretBox } from './auth/secret-box';
import type { LinkSigner } from './auth/signed-links';
import type { DeliveryKind } from './deliveries/kinds';
import type { DeviceKind } from './devices/kinds';
import type { EventAudience, StreamViewer } from './events/audience';
import type { AppEvent, EventType, EventTypeDeclaration, EventTypeDeclarations } from './events/catalog';
import type { RetentionRule } from './jobs/retention';
import type { JobDefinition } from './jobs/scheduler';
import type { LlmProvider } from './llm';
import type { ModuleName } from './modules';
import type { N8nWorkflowKind } from './n8n/kinds';
import type { DomainCatalogue } from './domain-catalogue';
import type { Services } from './services';

/** What a domain's jobs and delivery kinds are built from, before the rest of the services exist. */
export interface DomainBuildContext {
  config: AppConfig;
  secrets: SecretBox;
  links: LinkSigner;
  llm: LlmProvider | undefined;
}

/** REST routes a domain serves under one base path (`/api/v1`, or a path a seed fixed, such as `/v1/api`). */
export interface RestMount {
  base: `/${string}`;
  routes(services: Services): Router;
  /** The routes parse their own bodies and answer their own 404s and errors (the LLM proxy speaks OpenAI's format). */
  ownErrorFormat?: boolean;
}

export interface DemoTenant {
  id: string;
  slug: string;
  modules: readonly string[];
}

export interface DemoProgress {
  total: number;
  done: number;
  step: string;
}

export interface DemoDataDeps {
  secrets: SecretBox;
  publicUrl: string;
  permissions: readonly PermissionDefinition[];
  /** The password the demo tenant's people get. */
  userPassword: string;
}

/** A domain's demo data: `steps` parts, each reported with `onStep(label)` once it is written. */
export interface DemoDataSeeder {
  steps: number;
  seed(db: Kysely<DB>, tenant: DemoTenant, deps: DemoDataDeps, onStep: (label: string) => void): Promise<void>;
}

/**
 * A domain as the process sees it: one manifest per domain (`src/domains/<name>/module.ts`). The
 * app router, the REST adapter, the services and demo seeding loop over the manifests, so adding
 * a domain means writing its folder and naming its manifest in `src/domains/modules.ts`.
 */
export interface DomainModule<Routers extends Record<string, AnyTRPCRouter> = Record<string, AnyTRPCRouter>> {
  /** The domain's folder name. */
  name: string;
  /** The product module a tenant switches on for it; absent for domains that are always on. */
  module?: ModuleName;
  /** Merged at the top of the app router, under these keys. */
  routers: Routers;
  permissions: readonly PermissionDefinition[];
  /** Every event the domain writes, with what a viewer needs to receive it on the live stream. */
  eventTypes: EventTypeDeclarations;
  /** Narrows further who receives the domain's live events (beyond each type's read permission). */
  eventAudience?(db: Kysely<DB>, viewer: StreamViewer): EventAudience | Promise<EventAudience>;
  jobs?(context: DomainBuildContext): JobDefinition[];
  /** The domain's logs that the daily housekeeping deletes once past their retention (src/platform/jobs/housekeeping.ts). */
  retention?(context: DomainBuildContext): RetentionRule[];
  deliveryKinds?(context: DomainBuildContext): DeliveryKind[];
  /** Kinds of device (kiosk, display, agent) the domain's device procedures serve: their scopes and resource binding. */
  deviceKinds?: readonly DeviceKind[];
  rest?: readonly RestMount[];
  /** The n8n workflows the domain ships, generated for a tenant (templates kept beside the domain's code). */
  n8nWorkflows?: readonly N8nWorkflowKind[];
  demoData?: DemoDataSeeder;
  /** Starts the domain's listeners and per-process parts; returns how to stop them (awaited before the database closes). */
  start?(services: Services): () => void | Promise<void>;
}

export function buildDomainCatalogue(
  modules: readonly DomainModule[],
  platformPermissions: readonly PermissionDefinition[],
): DomainCatalogue {
  const permissions = [...platformPermissions, ...modules.flatMap((module) => module.permissions)];
  return {
    permissions,
    machineScopes: permissions,
    eventTypes: modules.flatMap((module) => Object.keys(module.eventTypes) as EventType[]),
    deviceKinds: modules.flatMap((module) => module.deviceKinds ?? []),
    n8nWorkflows: modules.flatMap((module) => module.n8nWorkflows ?? []),
    eventAudience: async (db, viewer) => {
      const declarations = new Map<string, EventTypeDeclaration>();
      for (const module of modules) {
        for (const [type, declaration] of Object.entries(module.eventTypes) as [EventType, EventTypeDeclaration][]) {
          declarations.set(type, declaration);
        }
      }
      const readable = (event: AppEvent) => {
        const declaration = declarations.get(event.type);
        if (!declaration || !('readPermission' in declaration)) return false;
        return viewer.permissions.has(declaration.readPermission) || (declaration.aboutViewer?.(event.data as never, viewer) ?? false);
      };
      const audiences = await Promise.all(modules.flatMap((module) => (module.eventAudience ? [module.eventAudience(db, viewer)] : [])));
      const remainingAccept = async (pending: Promise<boolean>, index: number, event: AppEvent) => {
        if (!(await pending)) return false;
        for (const accepts of audiences.slice(index + 1)) if (!(await accepts(event))) return false;
        return true;
      };
      // The type's read permission, then every domain's rule, in turn, must accept an event. The
      // live stream asks once per event and subscriber: no promise while every rule answers at once.
      return (event) => {
        if (!readable(event)) return false;
        for (let index = 0; index < audiences.length; index += 1) {
          const verdict = audiences[index]!(event);
          if (typeof verdict !== 'boolean') return remainingAccept(verdict, index, event);
          if (!verdict) return false;
        }
        return true;
      };
    },
  };
}

type UnionToIntersection<Union> = (Union extends unknown ? (value: Union) => void : never) extends (value: infer Intersection) => void
  ? Intersection
  : never;

/** Every module's routers in one record, typed as the intersection of theirs, so the app router stays fully inferred. */
export type MergedRouters<Modules extends readonly DomainModule[]> = UnionToIntersection<Modules[number]['routers']>;

export function mergeModuleRouters<const Modules extends readonly DomainModule[]>(modules: Modules): MergedRouters<Modules> {
  const merged: Record<string, AnyTRPCRouter> = {};
  for (const module of modules) {
    for (const [key, router] of Object.entries(module.routers)) {
      if (key in merged) throw new Error(`Two domains declare the router "${key}"`);
      merged[key] = router;
    }
  }
  return merged as MergedRouters<Modules>;
}

/** Declares a domain's manifest, keeping its routers' exact types. */
export function defineDomainModule<const Routers extends Record<string, AnyTRPCRouter>>(
  module: DomainModule<Routers>,
): DomainModule<Routers> {
  return module;
}

import type { InventoryAssetStatus, InventoryLocationType } from '../../src/db/schema';
import { withTenant } from '../../src/db/tenant-scope';
import { insertAsset } from '../../src/domains/inventory/assets/assets';
import { systemAudit } from '../../src/platform/audit/audit-log';
import type { Services } from '../../src/services';
import { callerFor, seedTenant, type TestTenant } from './app';
import { addUser, ownerCaller, type Caller, type TestUser } from './identity';

/*
 * A company that lends things: a small place tree with managers, people of each role and assets,
 * written straight into the tables where the assets part's procedures are not this part's concern.
 */

/** A 1×1 PNG: the smallest drawing the pad can send. */
export const TINY_SIGNATURE_PNG =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

export interface Person {
  user: TestUser;
  caller: Caller;
}

export interface LendingWorld {
  tenant: TestTenant;
  /** Owner: approves anywhere. */
  owner: Caller;
  /** Manager of the building (so of its room). */
  manager: Person;
  /** Manager of the annex only. */
  annexManager: Person;
  /** An agent: may request, not decide. */
  agent: Person;
  places: { unit: string; building: string; room: string; annex: string };
  newAsset(name: string, options?: { locationId?: string | null; status?: InventoryAssetStatus }): Promise<{ id: string; tag: string }>;
}

const setup = systemAudit('test setup');
let placeCounter = 0;

async function person(services: Services, tenant: TestTenant, role: string, name: string): Promise<Person> {
  const user = await addUser(services, tenant, role, name);
  return { user, caller: await callerFor(services, user) };
}

export async function seedLendingWorld(services: Services, options: { modules?: string[] } = {}): Promise<LendingWorld> {
  return furnishLendingWorld(services, await seedTenant(services, { modules: options.modules ?? ['inventory'] }));
}

/** The places, people and asset maker of a lending company, in a tenant that exists (the cross-tenant suite's). */
export async function furnishLendingWorld(services: Services, tenant: TestTenant): Promise<LendingWorld> {
  const manager = await person(services, tenant, 'manager', 'Gerente do Prédio');
  const annexManager = await person(services, tenant, 'manager', 'Gerente do Anexo');
  const agent = await person(services, tenant, 'agent', 'Agente Ana');
  const place = async (name: string, type: InventoryLocationType, parentId: string | null, managerId: string | null = null) => {
    placeCounter += 1;
    const id = crypto.randomUUID();
    return withTenant(services.db, tenant.tenantId, async (trx) => {
      const parent = parentId
        ? await trx.selectFrom('inventory_locations').select('path').where('id', '=', parentId).executeTakeFirstOrThrow()
        : undefined;
      await trx
        .insertInto('inventory_locations')
        .values({
          id,
          tenant_id: tenant.tenantId,
          parent_id: parentId,
          type,
          name,
          code: `MV-${process.pid}-${placeCounter}`,
          path: `${parent?.path ?? '/'}${id}/`,
          manager_id: managerId,
        })
        .execute();
      return id;
    });
  };
  const unit = await place('Sede', 'unit', null);
  const building = await place('Prédio A', 'building', unit, manager.user.userId);
  const room = await place('Sala 101', 'room', building);
  const annex = await place('Anexo', 'building', unit, annexManager.user.userId);
  return {
    tenant,
    owner: await ownerCaller(services, tenant),
    manager,
    annexManager,
    agent,
    places: { unit, building, room, annex },
    newAsset: async (name, assetOptions = {}) => {
      const asset = await withTenant(services.db, tenant.tenantId, (trx) =>
        insertAsset(trx, setup, {
          name,
          locationId: assetOptions.locationId === undefined ? room : assetOptions.locationId,
          serialNumber: `SN-${name.replace(/\W+/g, '-')}`,
          patrimonio: `PAT-${placeCounter}`,
          purchaseValueCents: 459_900,
          ...(assetOptions.status ? { status: assetOptions.status } : {}),
        }),
      );
      return { id: asset.id, tag: asset.tag };
    },
  };
}

export const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

/** A transfer of the asset to a place. */
export const transferTo = (assetId: string, toLocationId: string) => ({ assetId, type: 'transfer' as const, toLocationId });

/** A loan to a third party, due in `days` days. */
export const externalLoan = (assetId: string, days = 7) => ({
  assetId,
  type: 'loan_external' as const,
  reason: 'Evento externo',
  loan: {
    borrowerName: 'Carla Souza',
    document: '123.456.789-09',
    email: 'carla@example.com',
    phone: '+55 11 91234-5678',
    dueDate: inDays(days),
  },
});

/** A loan requested by the agent and approved by the manager: its term is issued and pending. */
export async function approvedLoan(world: LendingWorld, assetId: string, days = 7) {
  const requested = await world.agent.caller.inventory.movements.request(externalLoan(assetId, days));
  const approved = await world.manager.caller.inventory.movements.approve({ id: requested.id });
  return { movement: approved, termId: approved.terms[0]!.id };
}

/** A loan handed over: approved, its term signed on the pad, executed. */
export async function loanOut(world: LendingWorld, assetId: string, days = 7) {
  const { movement, termId } = await approvedLoan(world, assetId, days);
  await world.manager.caller.inventory.terms.signWithPad({ termId, signerName: 'Carla Souza', signaturePng: TINY_SIGNATURE_PNG });
  return { movement: await world.manager.caller.inventory.movements.execute({ id: movement.id }), termId };
}

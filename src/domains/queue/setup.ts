import type { z } from 'zod';
import type { QueueDesk, QueuePriority, QueueService, QueueUnit } from '../../db/schema';
import { sqlStateOf, UNIQUE_VIOLATION } from '../../db/savepoint';
import { tenantOf, type TenantTransaction } from '../../db/tenant-scope';
import { recordAudit, type AuditContext } from '../../platform/audit/audit-log';
import type { BusinessHours } from '../../platform/business-hours';
import { DomainError, notFound } from '../../platform/errors';
import { appendEvent } from '../../platform/events/outbox';
import type {
  createDeskInput,
  createPriorityInput,
  createServiceInput,
  createUnitInput,
  updateDeskInput,
  updatePriorityInput,
  updateServiceInput,
  updateUnitInput,
} from './schemas';

export interface UnitView {
  id: string;
  name: string;
  timeZone: string;
  address: string;
  openingHours: BusinessHours;
  priorityRatio: number;
  maxWaitMin: number;
  active: boolean;
}

export interface ServiceView {
  id: string;
  unitId: string;
  name: string;
  prefix: string;
  /** Null: the unit's hours apply. */
  openingHours: BusinessHours | null;
  dailyCap: number | null;
  expectedServiceMin: number;
  active: boolean;
}

export interface DeskView {
  id: string;
  unitId: string;
  name: string;
  number: number;
  active: boolean;
}

export interface PriorityView {
  id: string;
  name: string;
  description: string;
  weight: number;
  active: boolean;
}

export const toUnitView = (unit: QueueUnit): UnitView => ({
  id: unit.id,
  name: unit.name,
  timeZone: unit.time_zone,
  address: unit.address,
  openingHours: unit.opening_hours,
  priorityRatio: unit.priority_ratio,
  maxWaitMin: unit.max_wait_min,
  active: unit.active,
});

export const toServiceView = (service: QueueService): ServiceView => ({
  id: service.id,
  unitId: service.unit_id,
  name: service.name,
  prefix: service.prefix,
  openingHours: service.opening_hours,
  dailyCap: service.daily_cap,
  expectedServiceMin: service.expected_service_min,
  active: service.active,
});

export const toDeskView = (desk: QueueDesk): DeskView => ({
  id: desk.id,
  unitId: desk.unit_id,
  name: desk.name,
  number: desk.number,
  active: desk.active,
});

export const toPriorityView = (priority: QueuePriority): PriorityView => ({
  id: priority.id,
  name: priority.name,
  description: priority.description,
  weight: priority.weight,
  active: priority.active,
});

/**
 * The Brazilian defaults (Lei 10.048/2000, with the 80+ precedence of Lei 13.466/2017): the
 * heavier weight is called first among priority tickets, arrival order within one weight.
 */
export const DEFAULT_PRIORITIES: ReadonlyArray<{ name: string; description: string; weight: number }> = [
  { name: 'Idoso 80+', description: 'Pessoa com 80 anos ou mais: à frente das demais prioridades (Lei 13.466/2017)', weight: 20 },
  { name: 'Idoso 60+', description: 'Pessoa com 60 anos ou mais (Lei 10.048/2000)', weight: 10 },
  { name: 'Gestante ou lactante', description: 'Gestantes e lactantes (Lei 10.048/2000)', weight: 10 },
  { name: 'Pessoa com deficiência', description: 'Pessoas com deficiência (Lei 10.048/2000)', weight: 10 },
  { name: 'Pessoa com criança de colo', description: 'Pessoas acompanhadas de criança de colo (Lei 10.048/2000)', weight: 10 },
];

type SetupEntity = 'unit' | 'service' | 'desk' | 'priority';

/** Every setup change: an audit row with the compact diff and a live event, in the change's transaction. */
async function recordSetupChange(
  trx: TenantTransaction,
  audit: AuditContext,
  change: { entity: SetupEntity; id: string; unitId: string | null; before?: object; after: object },
): Promise<void> {
  await recordAudit(trx, audit, {
    action: `queue.${change.entity}.${change.before ? 'updated' : 'created'}`,
    entity: `queue_${change.entity}`,
    entityId: change.id,
    ...(change.before ? { before: { ...change.before } } : {}),
    after: { ...change.after },
  });
  await appendEvent(trx, 'queue.setup.changed', { entity: change.entity, id: change.id, unitId: change.unitId });
}

/** A unique key taken (a service prefix in its unit, a desk number, a name): 409 with what to change. */
async function uniquely<T>(write: Promise<T>, reason: string, message: string, field: string): Promise<T> {
  try {
    return await write;
  } catch (error) {
    if (sqlStateOf(error) === UNIQUE_VIOLATION) throw new DomainError('CONFLICT', reason, message, { field });
    throw error;
  }
}

const changed = <Input extends object>(input: Input, columns: { [K in keyof Input]?: string }) =>
  Object.fromEntries(
    Object.entries(columns)
      .filter(([key]) => (input as Record<string, unknown>)[key] !== undefined)
      .map(([key, column]) => [column, (input as Record<string, unknown>)[key]]),
  );

const asJson = (hours: BusinessHours | null | undefined) =>
  hours === undefined ? undefined : hours === null ? null : JSON.stringify(hours);

// Units

export async function findUnit(trx: TenantTransaction, unitId: string): Promise<QueueUnit> {
  const unit = await trx.selectFrom('queue_units').selectAll().where('id', '=', unitId).executeTakeFirst();
  if (!unit) throw notFound('Unidade');
  return unit;
}

export async function listUnits(trx: TenantTransaction): Promise<QueueUnit[]> {
  return trx.selectFrom('queue_units').selectAll().orderBy('active', 'desc').orderBy('name').execute();
}

/** The tenant's first unit also gets the default priority categories, unless it has some already. */
export async function createUnit(trx: TenantTransaction, audit: AuditContext, input: z.infer<typeof createUnitInput>): Promise<QueueUnit> {
  const unit = await uniquely(
    trx
      .insertInto('queue_units')
      .values({
        tenant_id: tenantOf(trx),
        name: input.name,
        time_zone: input.timeZone,
        address: input.address ?? '',
        opening_hours: JSON.stringify(input.openingHours ?? { intervals: [] }),
        ...(input.priorityRatio !== undefined ? { priority_ratio: input.priorityRatio } : {}),
        ...(input.maxWaitMin !== undefined ? { max_wait_min: input.maxWaitMin } : {}),
      })
      .returningAll()
      .executeTakeFirstOrThrow(),
    'UNIT_NAME_TAKEN',
    'Já existe uma unidade com este nome',
    'name',
  );
  await recordSetupChange(trx, audit, { entity: 'unit', id: unit.id, unitId: unit.id, after: toUnitView(unit) });
  await ensureDefaultPriorities(trx, audit);
  return unit;
}

export async function updateUnit(trx: TenantTransaction, audit: AuditContext, input: z.infer<typeof updateUnitInput>): Promise<QueueUnit> {
  const before = await findUnit(trx, input.id);
  const after = await uniquely(
    trx
      .updateTable('queue_units')
      .set({
        ...changed(input, { name: 'name', timeZone: 'time_zone', address: 'address', priorityRatio: 'priority_ratio' }),
        ...changed(input, { maxWaitMin: 'max_wait_min', active: 'active' }),
        ...(input.openingHours !== undefined ? { opening_hours: asJson(input.openingHours)! } : {}),
        updated_at: new Date(),
      })
      .where('id', '=', before.id)
      .returningAll()
      .executeTakeFirstOrThrow(),
    'UNIT_NAME_TAKEN',
    'Já existe uma unidade com este nome',
    'name',
  );
  await recordSetupChange(trx, audit, {
    entity: 'unit',
    id: after.id,
    unitId: after.id,
    before: toUnitView(before),
    after: toUnitView(after),
  });
  return after;
}

// Services

export async function findService(trx: TenantTransaction, serviceId: string): Promise<QueueService> {
  const service = await trx.selectFrom('queue_services').selectAll().where('id', '=', serviceId).executeTakeFirst();
  if (!service) throw notFound('Serviço');
  return service;
}

export async function listServices(trx: TenantTransaction, unitId?: string): Promise<QueueService[]> {
  let query = trx.selectFrom('queue_services').selectAll();
  if (unitId) query = query.where('unit_id', '=', unitId);
  return query.orderBy('active', 'desc').orderBy('prefix').execute();
}

const PREFIX_TAKEN = ['SERVICE_PREFIX_TAKEN', 'Outro serviço desta unidade já usa este prefixo', 'prefix'] as const;

export async function createService(
  trx: TenantTransaction,
  audit: AuditContext,
  input: z.infer<typeof createServiceInput>,
): Promise<QueueService> {
  const unit = await findUnit(trx, input.unitId);
  const service = await uniquely(
    trx
      .insertInto('queue_services')
      .values({
        tenant_id: tenantOf(trx),
        unit_id: unit.id,
        name: input.name,
        prefix: input.prefix,
        opening_hours: asJson(input.openingHours) ?? null,
        daily_cap: input.dailyCap ?? null,
        ...changed(input, { expectedServiceMin: 'expected_service_min', active: 'active' }),
      })
      .returningAll()
      .executeTakeFirstOrThrow(),
    ...PREFIX_TAKEN,
  );
  await recordSetupChange(trx, audit, { entity: 'service', id: service.id, unitId: unit.id, after: toServiceView(service) });
  return service;
}

export async function updateService(
  trx: TenantTransaction,
  audit: AuditContext,
  input: z.infer<typeof updateServiceInput>,
): Promise<QueueService> {
  const before = await findService(trx, input.id);
  const after = await uniquely(
    trx
      .updateTable('queue_services')
      .set({
        ...changed(input, { name: 'name', prefix: 'prefix', dailyCap: 'daily_cap', expectedServiceMin: 'expected_service_min' }),
        ...changed(input, { active: 'active' }),
        ...(input.openingHours !== undefined ? { opening_hours: asJson(input.openingHours) } : {}),
        updated_at: new Date(),
      })
      .where('id', '=', before.id)
      .returningAll()
      .executeTakeFirstOrThrow(),
    ...PREFIX_TAKEN,
  );
  await recordSetupChange(trx, audit, {
    entity: 'service',
    id: after.id,
    unitId: after.unit_id,
    before: toServiceView(before),
    after: toServiceView(after),
  });
  return after;
}

// Desks

export async function findDesk(trx: TenantTransaction, deskId: string): Promise<QueueDesk> {
  const desk = await trx.selectFrom('queue_desks').selectAll().where('id', '=', deskId).executeTakeFirst();
  if (!desk) throw notFound('Guichê');
  return desk;
}

export async function listDesks(trx: TenantTransaction, unitId?: string): Promise<QueueDesk[]> {
  let query = trx.selectFrom('queue_desks').selectAll();
  if (unitId) query = query.where('unit_id', '=', unitId);
  return query.orderBy('number').execute();
}

const DESK_NUMBER_TAKEN = ['DESK_NUMBER_TAKEN', 'Outro guichê desta unidade já tem este número', 'number'] as const;

export async function createDesk(trx: TenantTransaction, audit: AuditContext, input: z.infer<typeof createDeskInput>): Promise<QueueDesk> {
  const unit = await findUnit(trx, input.unitId);
  const desk = await uniquely(
    trx
      .insertInto('queue_desks')
      .values({ tenant_id: tenantOf(trx), unit_id: unit.id, name: input.name, number: input.number })
      .returningAll()
      .executeTakeFirstOrThrow(),
    ...DESK_NUMBER_TAKEN,
  );
  await recordSetupChange(trx, audit, { entity: 'desk', id: desk.id, unitId: unit.id, after: toDeskView(desk) });
  return desk;
}

export async function updateDesk(trx: TenantTransaction, audit: AuditContext, input: z.infer<typeof updateDeskInput>): Promise<QueueDesk> {
  const before = await findDesk(trx, input.id);
  const after = await uniquely(
    trx
      .updateTable('queue_desks')
      .set({ ...changed(input, { name: 'name', number: 'number', active: 'active' }), updated_at: new Date() })
      .where('id', '=', before.id)
      .returningAll()
      .executeTakeFirstOrThrow(),
    ...DESK_NUMBER_TAKEN,
  );
  await recordSetupChange(trx, audit, {
    entity: 'desk',
    id: after.id,
    unitId: after.unit_id,
    before: toDeskView(before),
    after: toDeskView(after),
  });
  return after;
}

// Priority categories

export async function listPriorities(trx: TenantTransaction): Promise<QueuePriority[]> {
  return trx.selectFrom('queue_priorities').selectAll().orderBy('weight', 'desc').orderBy('name').execute();
}

async function findPriority(trx: TenantTransaction, priorityId: string): Promise<QueuePriority> {
  const priority = await trx.selectFrom('queue_priorities').selectAll().where('id', '=', priorityId).executeTakeFirst();
  if (!priority) throw notFound('Prioridade');
  return priority;
}

const PRIORITY_NAME_TAKEN = ['PRIORITY_NAME_TAKEN', 'Já existe uma prioridade com este nome', 'name'] as const;

export async function createPriority(
  trx: TenantTransaction,
  audit: AuditContext,
  input: z.infer<typeof createPriorityInput>,
): Promise<QueuePriority> {
  const priority = await uniquely(
    trx
      .insertInto('queue_priorities')
      .values({ tenant_id: tenantOf(trx), name: input.name, description: input.description ?? '', weight: input.weight })
      .returningAll()
      .executeTakeFirstOrThrow(),
    ...PRIORITY_NAME_TAKEN,
  );
  await recordSetupChange(trx, audit, { entity: 'priority', id: priority.id, unitId: null, after: toPriorityView(priority) });
  return priority;
}

export async function updatePriority(
  trx: TenantTransaction,
  audit: AuditContext,
  input: z.infer<typeof updatePriorityInput>,
): Promise<QueuePriority> {
  const before = await findPriority(trx, input.id);
  const after = await uniquely(
    trx
      .updateTable('queue_priorities')
      .set({ ...changed(input, { name: 'name', description: 'description', weight: 'weight', active: 'active' }), updated_at: new Date() })
      .where('id', '=', before.id)
      .returningAll()
      .executeTakeFirstOrThrow(),
    ...PRIORITY_NAME_TAKEN,
  );
  await recordSetupChange(trx, audit, {
    entity: 'priority',
    id: after.id,
    unitId: null,
    before: toPriorityView(before),
    after: toPriorityView(after),
  });
  return after;
}

/** Gives a tenant without priority categories the legal defaults; it can edit or switch them off afterwards. */
export async function ensureDefaultPriorities(trx: TenantTransaction, audit: AuditContext): Promise<void> {
  const existing = await trx.selectFrom('queue_priorities').select('id').limit(1).executeTakeFirst();
  if (existing) return;
  for (const priority of DEFAULT_PRIORITIES) await createPriority(trx, audit, priority);
}

import { createCallerFactory } from '../../src/trpc/init';
import { appRouter } from '../../src/trpc/app-router';
import type { AuthState } from '../../src/trpc/auth-state';
import { createInnerContext } from '../../src/trpc/context';
import type { Services } from '../../src/services';
import { enrollDevice } from '../../src/domains/identity';
import type { Caller } from './identity';

/** A unit open at all hours (no intervals) with two services and two desks, as most queue tests need. */
export async function seedQueueUnit(owner: Caller, options: { name?: string; timeZone?: string } = {}) {
  const unit = await owner.queue.units.create({
    name: options.name ?? 'Unidade Centro',
    timeZone: options.timeZone ?? 'America/Sao_Paulo',
  });
  const general = await owner.queue.services.create({ unitId: unit.id, name: 'Atendimento geral', prefix: 'A', expectedServiceMin: 6 });
  const payments = await owner.queue.services.create({ unitId: unit.id, name: 'Pagamentos', prefix: 'P', expectedServiceMin: 4 });
  const desk1 = await owner.queue.desks.create({ unitId: unit.id, name: 'Guichê 1', number: 1 });
  const desk2 = await owner.queue.desks.create({ unitId: unit.id, name: 'Guichê 2', number: 2 });
  const priorities = await owner.queue.priorities.list();
  return { unit, general, payments, desk1, desk2, priorities };
}

export type QueueDeviceKind = 'queue.kiosk' | 'queue.display';

const SCOPE_OF: Record<QueueDeviceKind, string> = { 'queue.kiosk': 'queue.tickets.issue', 'queue.display': 'queue.display.read' };

/** Creates and enrolls a queue device bound to a unit: its id and token. */
export async function enrolledQueueDevice(services: Services, owner: Caller, kind: QueueDeviceKind, unitId: string, name?: string) {
  const created = await owner.devices.create({ kind, name: name ?? kind, scopes: [SCOPE_OF[kind]], resource: unitId });
  const enrolled = await enrollDevice(services.db, { code: created.enrollmentCode }, { ip: null, userAgent: null, requestId: null });
  return { id: created.id, token: enrolled!.token };
}

const createCaller = createCallerFactory(appRouter);

/** A server-side caller acting as an enrolled device: each call presents the token afresh, as an HTTP request does. */
export async function deviceCallerFor(services: Services, token: string) {
  const authenticate = async (): Promise<AuthState> => {
    const device = await services.devices.authenticator.authenticate(token, { ip: null, userAgent: null });
    return device ? { kind: 'device', device } : { kind: 'rejected', reason: 'DEVICE_TOKEN_INVALID' };
  };
  if ((await authenticate()).kind !== 'device') throw new Error('deviceCallerFor: the token is not an active device token');
  return createCaller(async () => createInnerContext(services, { auth: await authenticate() }));
}

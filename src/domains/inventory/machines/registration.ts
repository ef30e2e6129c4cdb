import { sql, type Kysely } from 'kysely';
import type { z } from 'zod';
import type { DB, InventoryMachine } from '../../../db/schema';
import { withSystem } from '../../../db/system-scope';
import { isUuid, tenantOf, withTenant, type TenantTransaction } from '../../../db/tenant-scope';
import { recordAudit, type AuditContext } from '../../../platform/audit/audit-log';
import { enrollmentCodeDigest, normalizeEnrollmentCode } from '../../../platform/devices/credentials';
import { DomainError } from '../../../platform/errors';
import { appendEvent } from '../../../platform/events/outbox';
import { enrollDevice } from '../../identity';
import { insertAsset } from '../assets';
import { loadInventorySettings } from '../settings';
import { AGENT_KIND } from './device-kind';
import type { registerMachineInput } from './schemas';

type Registration = z.infer<typeof registerMachineInput>;

export interface RegisteredMachine {
  deviceId: string;
  assetId: string | null;
}

/** The device being registered: its id and the asset an admin bound it to (if any). */
interface AgentDevice {
  deviceId: string;
  resourceId: string | null;
}

const invalidCode = () => new DomainError('UNAUTHORIZED', 'ENROLLMENT_INVALID', 'Código de cadastro inválido, expirado ou já usado');

const hardwareTaken = (deviceId: string) =>
  new DomainError(
    'CONFLICT',
    'HARDWARE_ALREADY_REGISTERED',
    'Esta máquina (hardwareId) já está registrada por outro agente ativo; revogue-o em Dispositivos para registrar o novo',
    { field: 'hardwareId', deviceId },
  );

/** The other device's machine row with this hardware id, and whether that device was revoked. */
async function machineOfHardware(trx: TenantTransaction, hardwareId: string) {
  return trx
    .selectFrom('inventory_machines as machine')
    .innerJoin('devices', 'devices.id', 'machine.device_id')
    .selectAll('machine')
    .select('devices.revoked_at')
    .where('machine.hardware_id', '=', hardwareId)
    .forUpdate('machine')
    .executeTakeFirst();
}

/**
 * Registers an agent with its enrollment code: the code is checked to be an agent's, and the
 * hardware id free, before it is spent (so a refused registration leaves the code usable); then
 * the device is enrolled (identity's enrollDevice) and its machine row and asset written.
 */
export async function registerMachineWithCode(
  db: Kysely<DB>,
  input: Registration & { code: string },
  client: { ip: string | null; userAgent: string | null; requestId: string | null },
): Promise<RegisteredMachine & { token: string }> {
  const code = normalizeEnrollmentCode(input.code);
  if (!code) throw invalidCode();
  const pending = await withSystem(db, (trx) =>
    trx
      .selectFrom('device_enrollments as enrollment')
      .innerJoin('devices', 'devices.id', 'enrollment.device_id')
      .innerJoin('tenants', 'tenants.id', 'devices.tenant_id')
      .select(['devices.id', 'devices.tenant_id', 'devices.kind', 'devices.resource_id', 'tenants.modules'])
      .where('enrollment.code_hash', '=', enrollmentCodeDigest(code))
      .where('enrollment.used_at', 'is', null)
      .where('enrollment.expires_at', '>', new Date())
      .where('devices.revoked_at', 'is', null)
      .executeTakeFirst(),
  );
  if (!pending) throw invalidCode();
  if (pending.kind !== AGENT_KIND)
    throw new DomainError('FORBIDDEN', 'DEVICE_KIND_NOT_ALLOWED', `Este código é de outro tipo de dispositivo; use um de ${AGENT_KIND}`);
  if (!pending.modules.includes('inventory'))
    throw new DomainError('FORBIDDEN', 'MODULE_DISABLED', 'O módulo Inventário não está ativo para esta empresa', { module: 'inventory' });
  await withTenant(db, pending.tenant_id, async (trx) => {
    const taken = await machineOfHardware(trx, input.hardwareId);
    if (taken && taken.device_id !== pending.id && !taken.revoked_at) throw hardwareTaken(taken.device_id);
  });
  const enrolled = await enrollDevice(db, { code, fingerprint: input.hardwareId }, client);
  if (!enrolled) throw invalidCode();
  const audit: AuditContext = {
    actor: { type: 'device', id: enrolled.deviceId, label: enrolled.name },
    requestId: client.requestId,
    ip: client.ip,
  };
  const machine = await withTenant(db, enrolled.tenantId, (trx) =>
    attachMachine(trx, audit, { deviceId: enrolled.deviceId, resourceId: pending.resource_id }, input),
  );
  return { ...machine, token: enrolled.token };
}

/** The asset the admin bound the device to, when it still exists in the tenant. */
async function boundAssetId(trx: TenantTransaction, device: AgentDevice): Promise<string | null> {
  if (!device.resourceId || !isUuid(device.resourceId)) return null;
  const asset = await trx.selectFrom('inventory_assets').select('id').where('id', '=', device.resourceId).executeTakeFirst();
  return asset?.id ?? null;
}

const factsOf = (input: Pick<Registration, 'facts'>) => JSON.stringify(input.facts ?? {});
/** The machine's facts with the registration's on top. */
const mergedFacts = (input: Pick<Registration, 'facts'>) => sql<Record<string, unknown>>`facts || ${factsOf(input)}::jsonb`;

/**
 * Writes the enrolled agent's machine (also what an agent that already holds its token calls to
 * register again). Its asset is the device's bound asset, else the one its hardware id had, else a
 * new one named after the host with the hardware id as serial. One hardware id is one machine: a
 * live agent keeps it (409); a revoked agent's machine is taken over, asset and all, by the new one.
 */
export async function attachMachine(
  trx: TenantTransaction,
  audit: AuditContext,
  device: AgentDevice,
  input: Pick<Registration, 'hardwareId' | 'hostname' | 'facts'>,
): Promise<RegisteredMachine> {
  // The settings row the heartbeat reads its silence window from.
  await loadInventorySettings(trx);
  const own = await trx
    .selectFrom('inventory_machines')
    .selectAll()
    .where('device_id', '=', device.deviceId)
    .forUpdate()
    .executeTakeFirst();
  const sameHardware = await machineOfHardware(trx, input.hardwareId);
  if (sameHardware && sameHardware.device_id !== device.deviceId && (own || !sameHardware.revoked_at))
    throw hardwareTaken(sameHardware.device_id);
  const bound = await boundAssetId(trx, device);
  let machine: InventoryMachine;
  if (own) {
    machine = await trx
      .updateTable('inventory_machines')
      .set((eb) => ({
        hardware_id: input.hardwareId,
        hostname: input.hostname ?? eb.ref('hostname'),
        facts: mergedFacts(input),
        asset_id: bound ?? eb.ref('asset_id'),
      }))
      .where('device_id', '=', device.deviceId)
      .returningAll()
      .executeTakeFirstOrThrow();
  } else if (sameHardware) {
    // A reinstalled agent: its machine (and history) moves to the new device, which starts its sequence anew.
    machine = await trx
      .updateTable('inventory_machines')
      .set((eb) => ({
        device_id: device.deviceId,
        hostname: input.hostname ?? eb.ref('hostname'),
        facts: mergedFacts(input),
        asset_id: bound ?? eb.ref('asset_id'),
        last_sequence: 0,
        last_heartbeat_at: null,
        silent_alerted_at: null,
      }))
      .where('device_id', '=', sameHardware.device_id)
      .returningAll()
      .executeTakeFirstOrThrow();
  } else {
    const assetId =
      bound ??
      (
        await insertAsset(trx, audit, {
          name: (input.hostname ?? `Máquina ${input.hardwareId}`).slice(0, 200),
          serialNumber: input.hardwareId.slice(0, 120),
        })
      ).id;
    machine = await trx
      .insertInto('inventory_machines')
      .values({
        device_id: device.deviceId,
        tenant_id: tenantOf(trx),
        asset_id: assetId,
        hardware_id: input.hardwareId,
        hostname: input.hostname ?? '',
        facts: factsOf(input),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }
  await recordAudit(trx, audit, {
    action: own ? 'inventory.machine.reregistered' : 'inventory.machine.registered',
    entity: 'inventory_machines',
    entityId: machine.device_id,
    after: { hardwareId: machine.hardware_id, hostname: machine.hostname, assetId: machine.asset_id },
    ...(sameHardware && !own ? { details: { replacedDeviceId: sameHardware.device_id } } : {}),
  });
  await appendEvent(trx, 'inventory.machine.registered', {
    deviceId: machine.device_id,
    assetId: machine.asset_id,
    hostname: machine.hostname,
  });
  return { deviceId: machine.device_id, assetId: machine.asset_id };
}

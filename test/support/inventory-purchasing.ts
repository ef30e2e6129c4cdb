import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { withTenant } from '../../src/db/tenant-scope';
import { registerMachineWithCode } from '../../src/domains/inventory/machines/registration';
import { isValidCnpj } from '../../src/domains/inventory/cnpj';
import type { Services } from '../../src/services';
import type { Caller } from './identity';
import { rawRequest, type RawResponse } from './identity';

const BASE_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** A valid CNPJ (alphanumeric unless `numeric`), made by finding the check digits of a random base. */
export function randomCnpj(options: { numeric?: boolean } = {}): string {
  const alphabet = options.numeric ? BASE_ALPHABET.slice(0, 10) : BASE_ALPHABET;
  const base = Array.from({ length: 12 }, () => alphabet[Math.floor(Math.random() * alphabet.length)]).join('');
  for (let digits = 0; digits < 100; digits += 1) {
    const candidate = `${base}${String(digits).padStart(2, '0')}`;
    if (isValidCnpj(candidate)) return candidate;
  }
  return randomCnpj(options);
}

/**
 * A category and a location of the tenant, written directly (their procedures belong to the
 * assets part of the inventory): what purchase items and receipts point at.
 */
export async function seedPurchasingPlaces(services: Services, tenantId: string, name = 'Notebooks') {
  return withTenant(services.db, tenantId, async (trx) => {
    const category = await trx
      .insertInto('inventory_categories')
      .values({ tenant_id: tenantId, name })
      .returning(['id', 'name'])
      .executeTakeFirstOrThrow();
    const locationId = randomUUID();
    const location = await trx
      .insertInto('inventory_locations')
      .values({
        id: locationId,
        tenant_id: tenantId,
        type: 'room',
        name: `Almoxarifado ${name}`,
        code: `ALM-${locationId.slice(0, 8)}`,
        path: `/${locationId}/`,
      })
      .returning(['id', 'name'])
      .executeTakeFirstOrThrow();
    return { category, location };
  });
}

/** A supplier through the procedure, with a fresh valid CNPJ. */
export function createTestSupplier(owner: Caller, name: string) {
  return owner.inventory.suppliers.create({ name, cnpj: randomCnpj(), contact: 'Vendas', email: 'vendas@fornecedor.test' });
}

export const AGENT_KIND = 'inventory.agent';
export const AGENT_SCOPE = 'inventory.machines.report';

/** A device of kind inventory.agent made in Dispositivos (optionally bound to an asset): its id and enrollment code. */
export async function createAgentDevice(owner: Caller, options: { name?: string; assetId?: string } = {}) {
  const created = await owner.devices.create({
    kind: AGENT_KIND,
    name: options.name ?? 'Agente da máquina',
    scopes: [AGENT_SCOPE],
    ...(options.assetId ? { resource: options.assetId } : {}),
  });
  return { deviceId: created.id, code: created.enrollmentCode };
}

/** A POST to the agent's API with a JSON body; the token goes as Bearer, or in X-Agent-Token with `header: 'agent'`. */
export function agentPost(
  url: string,
  path: string,
  body: unknown,
  auth: { token?: string; header?: 'bearer' | 'agent' } = {},
): Promise<RawResponse> {
  const credentials: Record<string, string> = !auth.token
    ? {}
    : auth.header === 'agent'
      ? { 'x-agent-token': auth.token }
      : { authorization: `Bearer ${auth.token}` };
  return rawRequest(`${url}/api/v1${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...credentials },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

export interface RegisteredAgent {
  deviceId: string;
  token: string;
  assetId: string;
}

/** Creates an agent device and registers it over HTTP with a hardware id: the machine's device, token and asset. */
export async function registeredAgent(
  url: string,
  owner: Caller,
  options: { hardwareId?: string; hostname?: string; assetId?: string } = {},
): Promise<RegisteredAgent> {
  const device = await createAgentDevice(owner, options.assetId ? { assetId: options.assetId } : {});
  const answer = await agentPost(url, '/machines/register', {
    enrollmentCode: device.code,
    hardwareId: options.hardwareId ?? `HW-${randomUUID()}`,
    hostname: options.hostname ?? 'estacao-01',
    facts: { os: 'Debian 13' },
  });
  expect(answer.status, answer.text).toBe(201);
  return answer.json as RegisteredAgent;
}

/** Registers an agent without HTTP (through the registration logic), for fixtures built before the app listens. */
export async function registeredAgentWithoutHttp(services: Services, owner: Caller, hardwareId: string): Promise<RegisteredAgent> {
  const device = await createAgentDevice(owner);
  const registered = await registerMachineWithCode(
    services.db,
    { code: device.code, hardwareId, hostname: `host-${hardwareId}` },
    { ip: null, userAgent: null, requestId: null },
  );
  return { deviceId: registered.deviceId, token: registered.token, assetId: registered.assetId! };
}

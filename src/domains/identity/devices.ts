import type { Kysely } from 'kysely';
import type { DB, Device } from '../../db/schema';
import { withSystem } from '../../db/system-scope';
import { tenantOf, withTenant, type TenantTransaction } from '../../db/tenant-scope';
import { recordAudit, type AuditContext } from '../../platform/audit/audit-log';
import {
  ENROLLMENT_CODE_TTL_MS,
  enrollmentCodeDigest,
  issueDeviceToken,
  newEnrollmentCode,
  normalizeEnrollmentCode,
} from '../../platform/devices/credentials';
import type { DeviceKindCatalogue } from '../../platform/devices/kinds';
import { DomainError, notFound } from '../../platform/errors';
import { appendEvent } from '../../platform/events/outbox';

export type DeviceStatus = 'pending' | 'expired' | 'active' | 'revoked';

export interface DeviceView {
  id: string;
  kind: string;
  name: string;
  scopes: string[];
  resourceId: string | null;
  status: DeviceStatus;
  enrollmentExpiresAt: string | null;
  enrolledAt: string | null;
  revokedAt: string | null;
  lastSeenAt: string | null;
  lastIp: string | null;
  lastUserAgent: string | null;
  fingerprint: string | null;
  createdAt: string;
}

type DeviceRow = Device & { enrollment_expires_at: Date | null };

function toDeviceView(device: DeviceRow, now = Date.now()): DeviceView {
  const expiresAt = device.enrollment_expires_at;
  const status: DeviceStatus = device.revoked_at
    ? 'revoked'
    : device.enrolled_at
      ? 'active'
      : expiresAt && expiresAt.getTime() > now
        ? 'pending'
        : 'expired';
  return {
    id: device.id,
    kind: device.kind,
    name: device.name,
    scopes: device.scopes,
    resourceId: device.resource_id,
    status,
    enrollmentExpiresAt: device.enrolled_at ? null : (expiresAt?.toISOString() ?? null),
    enrolledAt: device.enrolled_at?.toISOString() ?? null,
    revokedAt: device.revoked_at?.toISOString() ?? null,
    lastSeenAt: device.last_seen_at?.toISOString() ?? null,
    lastIp: device.last_ip,
    lastUserAgent: device.last_user_agent,
    fingerprint: device.fingerprint,
    createdAt: device.created_at.toISOString(),
  };
}

function selectDevices(trx: TenantTransaction) {
  return trx
    .selectFrom('devices')
    .selectAll('devices')
    .select((eb) =>
      eb
        .selectFrom('device_enrollments')
        .select((inner) => inner.fn.max('device_enrollments.expires_at').as('expires_at'))
        .whereRef('device_enrollments.device_id', '=', 'devices.id')
        .as('enrollment_expires_at'),
    );
}

export async function listDevices(trx: TenantTransaction): Promise<DeviceView[]> {
  const rows = await selectDevices(trx).orderBy('devices.created_at', 'desc').orderBy('devices.id').execute();
  return rows.map((row) => toDeviceView(row));
}

export interface NewDeviceInput {
  kind: string;
  name: string;
  scopes: string[];
  resource?: string | undefined;
}

export interface CreatedDevice {
  id: string;
  enrollmentCode: string;
  expiresAt: string;
  enrollUrl: string;
  device: DeviceView;
}

/** The address a device is enrolled at; the dashboard shows it as a QR code. */
export const enrollUrlFor = (publicUrl: string, code: string) =>
  `${publicUrl.replace(/\/+$/, '')}/api/v1/devices/enroll?code=${encodeURIComponent(code)}`;

/**
 * Registers a device and answers its enrollment code, this once: short, single use, dead after
 * 15 minutes. The kind is one a domain declares; the scopes must be the kind's, and the resource
 * is given exactly when the kind binds its devices to one.
 */
export async function createDevice(
  trx: TenantTransaction,
  audit: AuditContext,
  input: NewDeviceInput,
  deps: { kinds: DeviceKindCatalogue; publicUrl: string },
): Promise<CreatedDevice> {
  const kind = deps.kinds.get(input.kind);
  if (!kind)
    throw new DomainError('BAD_REQUEST', 'UNKNOWN_DEVICE_KIND', `Tipo de dispositivo desconhecido: ${input.kind}`, { kind: input.kind });
  const allowed = new Set(kind.scopes.map((scope) => scope.key));
  const unknown = input.scopes.filter((scope) => !allowed.has(scope));
  if (unknown.length > 0)
    throw new DomainError('BAD_REQUEST', 'UNKNOWN_SCOPE', `Escopos que ${kind.label} não aceita: ${unknown.join(', ')}`, {
      scopes: unknown,
    });
  if (kind.resource?.required && !input.resource)
    throw new DomainError('BAD_REQUEST', 'RESOURCE_REQUIRED', `Informe ${kind.resource.label}`, { field: 'resource' });
  if (!kind.resource && input.resource)
    throw new DomainError('BAD_REQUEST', 'RESOURCE_NOT_ALLOWED', `${kind.label} não se vincula a um recurso`, { field: 'resource' });
  if (input.resource && kind.resource?.exists && !(await kind.resource.exists(trx, input.resource)))
    throw new DomainError('NOT_FOUND', 'RESOURCE_NOT_FOUND', `Não encontrei ${kind.resource.label} informada`, { field: 'resource' });
  const device = await trx
    .insertInto('devices')
    .values({
      tenant_id: tenantOf(trx),
      kind: kind.key,
      name: input.name,
      scopes: [...new Set(input.scopes)],
      resource_id: input.resource ?? null,
      created_by: audit.actor.id,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const { code, expiresAt } = await issueEnrollmentCode(trx, device);
  await recordAudit(trx, audit, {
    action: 'devices.create',
    entity: 'device',
    entityId: device.id,
    after: { kind: device.kind, name: device.name, scopes: device.scopes, resourceId: device.resource_id },
  });
  await appendEvent(trx, 'identity.device.created', { deviceId: device.id, kind: device.kind, name: device.name });
  return {
    id: device.id,
    enrollmentCode: code,
    expiresAt: expiresAt.toISOString(),
    enrollUrl: enrollUrlFor(deps.publicUrl, code),
    device: toDeviceView({ ...device, enrollment_expires_at: expiresAt }),
  };
}

/** A new single-use code for a device; any code it had before stops working. */
async function issueEnrollmentCode(trx: TenantTransaction, device: Device): Promise<{ code: string; expiresAt: Date }> {
  const now = new Date();
  await trx
    .updateTable('device_enrollments')
    .set({ expires_at: now })
    .where('device_id', '=', device.id)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .execute();
  const { code, digest } = newEnrollmentCode();
  const expiresAt = new Date(now.getTime() + ENROLLMENT_CODE_TTL_MS);
  await trx
    .insertInto('device_enrollments')
    .values({ tenant_id: device.tenant_id, device_id: device.id, code_hash: digest, expires_at: expiresAt })
    .execute();
  return { code, expiresAt };
}

/**
 * Gives a device that was never enrolled a fresh enrollment code (the first one expired, or was
 * lost): the earlier code dies. An enrolled or revoked device is refused with 409.
 */
export async function renewEnrollmentCode(
  trx: TenantTransaction,
  audit: AuditContext,
  id: string,
  deps: { publicUrl: string },
): Promise<CreatedDevice> {
  const device = await trx.selectFrom('devices').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  if (!device) throw notFound('Dispositivo');
  if (device.revoked_at) throw new DomainError('CONFLICT', 'DEVICE_REVOKED', 'Este dispositivo foi revogado; crie outro');
  if (device.enrolled_at) throw new DomainError('CONFLICT', 'DEVICE_ALREADY_ENROLLED', 'Este dispositivo já está cadastrado');
  const { code, expiresAt } = await issueEnrollmentCode(trx, device);
  await recordAudit(trx, audit, { action: 'devices.renewEnrollment', entity: 'device', entityId: id, after: { expiresAt } });
  return {
    id: device.id,
    enrollmentCode: code,
    expiresAt: expiresAt.toISOString(),
    enrollUrl: enrollUrlFor(deps.publicUrl, code),
    device: toDeviceView({ ...device, enrollment_expires_at: expiresAt }),
  };
}

/** Revokes a device: its token and any unused enrollment code stop working at once. */
export async function revokeDevice(trx: TenantTransaction, audit: AuditContext, id: string): Promise<DeviceView> {
  const device = await selectDevices(trx).where('devices.id', '=', id).forUpdate('devices').executeTakeFirst();
  if (!device) throw notFound('Dispositivo');
  if (device.revoked_at) return toDeviceView(device);
  const revoked = await trx
    .updateTable('devices')
    .set({ revoked_at: new Date() })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, audit, {
    action: 'devices.revoke',
    entity: 'device',
    entityId: id,
    before: { revokedAt: null },
    after: { revokedAt: revoked.revoked_at },
  });
  await appendEvent(trx, 'identity.device.revoked', { deviceId: id, kind: device.kind, name: device.name });
  return toDeviceView({ ...revoked, enrollment_expires_at: device.enrollment_expires_at });
}

export interface EnrollmentRequest {
  code: string;
  name?: string | undefined;
  fingerprint?: string | undefined;
}

export interface EnrolledDevice {
  deviceId: string;
  tenantId: string;
  kind: string;
  name: string;
  token: string;
}

/**
 * Trades an enrollment code for the device's token, shown this once. The code is spent by one
 * atomic update (unused and unexpired), so two devices racing with the same code get one token.
 * Answers null for an unknown, spent, expired or revoked code: the caller cannot tell which.
 */
export async function enrollDevice(
  db: Kysely<DB>,
  request: EnrollmentRequest,
  client: { ip: string | null; userAgent: string | null; requestId: string | null },
): Promise<EnrolledDevice | null> {
  const code = normalizeEnrollmentCode(request.code);
  if (!code) return null;
  const digest = enrollmentCodeDigest(code);
  // System work: the code is what tells the tenant.
  const enrollment = await withSystem(db, (trx) =>
    trx.selectFrom('device_enrollments').select(['tenant_id']).where('code_hash', '=', digest).executeTakeFirst(),
  );
  if (!enrollment) return null;
  return withTenant(db, enrollment.tenant_id, async (trx) => {
    const spent = await trx
      .updateTable('device_enrollments')
      .set({ used_at: new Date() })
      .where('code_hash', '=', digest)
      .where('used_at', 'is', null)
      .where('expires_at', '>', new Date())
      .returning(['device_id'])
      .executeTakeFirst();
    if (!spent) return null;
    const credential = issueDeviceToken();
    const now = new Date();
    const device = await trx
      .updateTable('devices')
      .set((eb) => ({
        token_prefix: credential.prefix,
        token_hash: credential.digest,
        enrolled_at: now,
        name: request.name ?? eb.ref('name'),
        fingerprint: request.fingerprint ?? null,
        last_seen_at: now,
        last_ip: client.ip,
        last_user_agent: client.userAgent?.slice(0, 500) ?? null,
      }))
      .where('id', '=', spent.device_id)
      .where('revoked_at', 'is', null)
      .where('token_hash', 'is', null)
      .returningAll()
      .executeTakeFirst();
    if (!device) return null;
    await recordAudit(
      trx,
      { actor: { type: 'device', id: device.id, label: device.name }, requestId: client.requestId, ip: client.ip },
      {
        action: 'devices.enroll',
        entity: 'device',
        entityId: device.id,
        after: { name: device.name, fingerprint: device.fingerprint, userAgent: device.last_user_agent },
      },
    );
    await appendEvent(trx, 'identity.device.enrolled', { deviceId: device.id, kind: device.kind, name: device.name });
    return { deviceId: device.id, tenantId: device.tenant_id, kind: device.kind, name: device.name, token: credential.token };
  });
}

import { sql, type Kysely } from 'kysely';
import type { z } from 'zod';
import type { DB } from '../../../db/schema';
import { GroupCommit, settle, unwrap, writeAccepted, type Settled } from '../../../db/group-commit';
import { withSystem } from '../../../db/system-scope';
import { tenantOf, withTenant, type TenantTransaction } from '../../../db/tenant-scope';
import type { DeviceAuthenticator, DevicePrincipal, PresentedDeviceToken } from '../../../platform/devices/principal';
import { DomainError } from '../../../platform/errors';
import { appendEvent } from '../../../platform/events/outbox';
import { AGENT_SCOPE, requireInventoryAgent } from './device-kind';
import { heartbeatInput } from './schemas';

export interface HeartbeatAnswer {
  accepted: boolean;
  /** The sequence was stored before: nothing was stored again. */
  duplicate: boolean;
  sequence: number;
}

export const machineNotRegistered = () =>
  new DomainError(
    'CONFLICT',
    'MACHINE_NOT_REGISTERED',
    'Este agente ainda não registrou a máquina: chame POST /api/v1/machines/register com o hardwareId',
  );

/** What a heartbeat tells of the host, as stored with it and merged into the machine's facts. */
function heartbeatFacts(input: z.infer<typeof heartbeatInput>): Record<string, unknown> {
  const { sequence: _sequence, hostname: _hostname, facts, ...measured } = input;
  return { ...facts, ...measured };
}

/** One agent's heartbeat, as the batch statement takes it. */
export interface AgentHeartbeat {
  deviceId: string;
  input: z.infer<typeof heartbeatInput>;
}

interface HeartbeatOutcome {
  ord: number;
  registered: boolean;
  accepted: boolean;
  was_silent: boolean;
  asset_id: string | null;
  hostname: string | null;
  received_at: Date | null;
}

/**
 * Stores heartbeats of one tenant in one statement: each row is inserted unless its (device,
 * sequence) exists, and only then does its machine advance (highest sequence, time, the newest
 * beat's facts). A replayed sequence stores nothing; one repeated within the batch counts once.
 * The live event goes out only for a machine coming online (its first heartbeat, or the first
 * after a silence longer than the tenant's setting), never per beat. Answers in the input's order.
 */
export async function recordHeartbeats(trx: TenantTransaction, beats: readonly AgentHeartbeat[]): Promise<Array<Settled<HeartbeatAnswer>>> {
  const tenantId = tenantOf(trx);
  const input = JSON.stringify(
    beats.map((beat, ord) => ({
      ord,
      device_id: beat.deviceId,
      sequence: beat.input.sequence,
      facts: heartbeatFacts(beat.input),
      hostname: beat.input.hostname ?? null,
    })),
  );
  const { rows } = await sql<HeartbeatOutcome>`
    with input as (
      select * from jsonb_to_recordset(${input}::jsonb) as beat(ord int, device_id uuid, sequence bigint, facts jsonb, hostname text)
    ), machine as (
      select m.device_id, m.asset_id, m.hostname,
        m.last_heartbeat_at is null or m.last_heartbeat_at < now() - make_interval(mins => settings.agent_silence_minutes) as was_silent
      from inventory_machines as m left join inventory_settings as settings on settings.tenant_id = m.tenant_id
      where m.device_id in (select device_id from input)
    ), stored as (
      insert into inventory_machine_heartbeats (tenant_id, device_id, sequence, facts)
      select ${tenantId}::uuid, input.device_id, input.sequence, input.facts from input join machine using (device_id) order by input.ord
      on conflict (device_id, sequence) do nothing
      returning device_id, sequence, received_at
    ), first_of_each as (
      select distinct on (device_id, sequence) ord, device_id, sequence, facts, hostname from input order by device_id, sequence, ord
    ), newest as (
      select distinct on (stored.device_id) stored.device_id, stored.sequence, stored.received_at, first_of_each.facts, first_of_each.hostname
      from stored join first_of_each using (device_id, sequence)
      order by stored.device_id, stored.sequence desc
    ), advanced as (
      update inventory_machines as m set
        last_sequence = greatest(m.last_sequence, newest.sequence),
        last_heartbeat_at = newest.received_at,
        hostname = case when newest.sequence > m.last_sequence then coalesce(newest.hostname, m.hostname) else m.hostname end,
        facts = case when newest.sequence > m.last_sequence then m.facts || newest.facts else m.facts end,
        silent_alerted_at = null
      from newest where m.device_id = newest.device_id
      returning m.device_id, m.hostname
    )
    select input.ord, machine.device_id is not null as registered, machine.asset_id,
      coalesce(machine.was_silent, false) as was_silent,
      coalesce(advanced.hostname, machine.hostname) as hostname,
      stored.received_at,
      stored.device_id is not null and exists (select 1 from first_of_each where first_of_each.ord = input.ord) as accepted
    from input
    left join machine using (device_id)
    left join stored on stored.device_id = input.device_id and stored.sequence = input.sequence
    left join advanced on advanced.device_id = input.device_id
    order by input.ord`.execute(trx);
  const cameOnline = new Set<string>();
  for (const outcome of rows) {
    const deviceId = beats[outcome.ord]!.deviceId;
    if (!outcome.accepted || !outcome.was_silent || cameOnline.has(deviceId)) continue;
    cameOnline.add(deviceId);
    await appendEvent(trx, 'inventory.machine.heartbeat', {
      deviceId,
      assetId: outcome.asset_id,
      hostname: outcome.hostname ?? '',
      at: new Date(outcome.received_at!).toISOString(),
    });
  }
  return rows.map((outcome) =>
    outcome.registered
      ? { ok: true, value: { accepted: outcome.accepted, duplicate: !outcome.accepted, sequence: beats[outcome.ord]!.input.sequence } }
      : { ok: false, error: machineNotRegistered() },
  );
}

/** One heartbeat on its own (what the batch does for a lone call). */
export async function recordHeartbeat(
  trx: TenantTransaction,
  deviceId: string,
  input: z.infer<typeof heartbeatInput>,
): Promise<HeartbeatAnswer> {
  const [answer] = await recordHeartbeats(trx, [{ deviceId, input }]);
  return unwrap(answer!);
}

const MAX_HEARTBEATS_PER_COMMIT = 500;

/** A heartbeat call as it arrives: the agent's token, checked in the batch's transaction, and its body, not read yet. */
export interface HeartbeatCall {
  token: PresentedDeviceToken;
  body: unknown;
}

/** The calling device, once it is a live agent of this tenant allowed to report: what any agent call checks, in that order. */
function reportingAgent(device: DevicePrincipal | null): DevicePrincipal {
  if (!device) throw new DomainError('UNAUTHORIZED', 'DEVICE_TOKEN_INVALID', 'Token de dispositivo inválido ou revogado');
  if (!device.scopes.has(AGENT_SCOPE))
    throw new DomainError('FORBIDDEN', 'FORBIDDEN', `Este dispositivo não tem o escopo ${AGENT_SCOPE}`, { scope: AGENT_SCOPE });
  return requireInventoryAgent(device);
}

/**
 * Heartbeats arriving together from one tenant's agents go into one transaction (group commit),
 * their tokens checked in it against the devices as they are now (a revoked agent's beat is
 * refused, and stores nothing): under load a burst costs one lookup, one statement and one commit
 * instead of a check and a write of their own per agent, and each call still gets its own answer
 * (a refused token or a bad body fails alone).
 */
export function heartbeatGroupCommit(db: Kysely<DB>, authenticator: DeviceAuthenticator): GroupCommit<HeartbeatCall, HeartbeatAnswer> {
  return new GroupCommit<HeartbeatCall, HeartbeatAnswer>({
    maxBatch: MAX_HEARTBEATS_PER_COMMIT,
    writeBatch: (tenantId, calls) =>
      withTenant(db, tenantId, async (trx) => {
        const devices = await authenticator.authenticateInTenant(
          trx,
          calls.map((call) => call.token),
        );
        const checked = calls.map((call, index) =>
          settle(() => ({ deviceId: reportingAgent(devices[index]!).deviceId, input: heartbeatInput.parse(call.body ?? {}) })),
        );
        const written = await writeAccepted(checked, (beats) => recordHeartbeats(trx, beats));
        return written.map((entry) => (entry.ok ? entry.value : entry));
      }),
  });
}

const RETENTION_BATCH = 10_000;
const RETENTION_MAX_BATCHES = 200;

/** Deletes heartbeats older than each tenant's retention, in batches (a run stops after 2 M rows; the next one goes on). */
export async function deleteExpiredHeartbeats(db: Kysely<DB>): Promise<number> {
  let deleted = 0;
  for (let batch = 0; batch < RETENTION_MAX_BATCHES; batch += 1) {
    const result = await withSystem(db, (trx) =>
      sql`
        delete from inventory_machine_heartbeats where ctid in (
          select heartbeat.ctid from inventory_machine_heartbeats as heartbeat
          join inventory_settings as settings on settings.tenant_id = heartbeat.tenant_id
          where heartbeat.received_at < now() - make_interval(days => settings.heartbeat_retention_days)
          limit ${RETENTION_BATCH}
        )`.execute(trx),
    );
    const count = Number(result.numAffectedRows ?? 0);
    deleted += count;
    if (count < RETENTION_BATCH) break;
  }
  return deleted;
}

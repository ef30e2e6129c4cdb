import { sql } from 'kysely';
import { tenantOf, type TenantTransaction } from '../../db/tenant-scope';
import { findUnit } from './setup';
import { waitingInService } from './tickets';

export interface QueueStats {
  unitId: string;
  from: string;
  to: string;
  timeZone: string;
  totals: {
    issued: number;
    called: number;
    completed: number;
    noShow: number;
    cancelled: number;
    /** Seconds from issue to first call, over tickets issued and called within the period. */
    avgWaitSec: number | null;
    p90WaitSec: number | null;
    /** Seconds from start to completion. */
    avgServiceSec: number | null;
    /** No-shows over calls answered or not (0–1). */
    noShowRate: number | null;
  };
  waitingNow: Array<{ serviceId: string; serviceName: string; prefix: string; waiting: number }>;
  byService: Array<{
    serviceId: string;
    serviceName: string;
    issued: number;
    completed: number;
    avgWaitSec: number | null;
    avgServiceSec: number | null;
  }>;
  byOperator: Array<{
    operatorId: string;
    operatorName: string;
    called: number;
    completed: number;
    noShow: number;
    avgServiceSec: number | null;
  }>;
  /** Hours of the day on the unit's clock. */
  byHour: Array<{ hour: number; issued: number; avgWaitSec: number | null }>;
}

const seconds = (value: string | number | null) => (value === null ? null : Math.round(Number(value)));

/**
 * The unit's statistics over [from, to), computed from the transition log: per ticket, the first
 * time of each step within the period, then averages, the 90th percentile of the wait, the
 * no-show rate, and the same per service, per operator and per hour on the unit's clock.
 */
export async function queueStats(trx: TenantTransaction, input: { unitId: string; from: string; to: string }): Promise<QueueStats> {
  const unit = await findUnit(trx, input.unitId);
  const tenantId = tenantOf(trx);
  const perTicket = sql`
    select
      ticket_id,
      (array_agg(service_id order by id) filter (where action = 'issued'))[1] as issued_service_id,
      min(at) filter (where action = 'issued') as issued_at,
      min(at) filter (where action = 'called') as called_at,
      min(at) filter (where action = 'started') as started_at,
      max(at) filter (where action = 'completed') as completed_at,
      bool_or(action = 'called') as was_called,
      bool_or(action = 'no_show') as no_show,
      bool_or(action = 'cancelled') as cancelled,
      (array_agg(operator_id order by id desc) filter (where action in ('completed', 'no_show', 'started', 'called')))[1] as operator_id
    from queue_transitions
    where tenant_id = ${tenantId} and unit_id = ${unit.id} and at >= ${input.from}::timestamptz and at < ${input.to}::timestamptz
    group by ticket_id`;
  const waitSec = sql`extract(epoch from (called_at - issued_at))`;
  const serviceSec = sql`extract(epoch from (completed_at - started_at))`;

  const totals = await sql<{
    issued: string;
    called: string;
    completed: string;
    no_show: string;
    cancelled: string;
    avg_wait: string | null;
    p90_wait: string | null;
    avg_service: string | null;
  }>`
    with t as (${perTicket})
    select
      count(*) filter (where issued_at is not null) as issued,
      count(*) filter (where was_called) as called,
      count(*) filter (where completed_at is not null) as completed,
      count(*) filter (where no_show) as no_show,
      count(*) filter (where cancelled) as cancelled,
      avg(${waitSec}) filter (where issued_at is not null and called_at is not null) as avg_wait,
      percentile_cont(0.9) within group (order by ${waitSec}) filter (where issued_at is not null and called_at is not null) as p90_wait,
      avg(${serviceSec}) filter (where started_at is not null and completed_at is not null) as avg_service
    from t`.execute(trx);
  const total = totals.rows[0]!;

  const byService = await sql<{
    service_id: string;
    issued: string;
    completed: string;
    avg_wait: string | null;
    avg_service: string | null;
  }>`
    with t as (${perTicket})
    select issued_service_id as service_id,
      count(*) as issued,
      count(*) filter (where completed_at is not null) as completed,
      avg(${waitSec}) filter (where called_at is not null) as avg_wait,
      avg(${serviceSec}) filter (where started_at is not null and completed_at is not null) as avg_service
    from t where issued_at is not null
    group by issued_service_id`.execute(trx);

  const byOperator = await sql<{
    operator_id: string;
    operator_name: string;
    called: string;
    completed: string;
    no_show: string;
    avg_service: string | null;
  }>`
    with t as (${perTicket}),
    names as (
      select distinct on (operator_id) operator_id, actor_label
      from queue_transitions
      where tenant_id = ${tenantId} and unit_id = ${unit.id} and operator_id is not null
        and at >= ${input.from}::timestamptz and at < ${input.to}::timestamptz
      order by operator_id, id desc
    ),
    calls as (
      select operator_id, count(*) as called
      from queue_transitions
      where tenant_id = ${tenantId} and unit_id = ${unit.id} and action = 'called' and operator_id is not null
        and at >= ${input.from}::timestamptz and at < ${input.to}::timestamptz
      group by operator_id
    )
    select names.operator_id, names.actor_label as operator_name,
      coalesce(calls.called, 0) as called,
      (select count(*) from t where t.operator_id = names.operator_id and t.completed_at is not null) as completed,
      (select count(*) from t where t.operator_id = names.operator_id and t.no_show) as no_show,
      (select avg(${serviceSec}) from t where t.operator_id = names.operator_id and started_at is not null and completed_at is not null) as avg_service
    from names left join calls on calls.operator_id = names.operator_id
    order by names.actor_label`.execute(trx);

  const byHour = await sql<{ hour: number; issued: string; avg_wait: string | null }>`
    with t as (${perTicket})
    select extract(hour from issued_at at time zone ${unit.time_zone})::int as hour,
      count(*) as issued,
      avg(${waitSec}) filter (where called_at is not null) as avg_wait
    from t where issued_at is not null
    group by 1 order by 1`.execute(trx);

  const services = await trx
    .selectFrom('queue_services')
    .select(['id', 'name', 'prefix'])
    .select(waitingInService)
    .where('unit_id', '=', unit.id)
    .orderBy('prefix')
    .execute();
  const serviceName = new Map(services.map((service) => [service.id, service.name]));

  const calledCount = Number(total.called);
  return {
    unitId: unit.id,
    from: input.from,
    to: input.to,
    timeZone: unit.time_zone,
    totals: {
      issued: Number(total.issued),
      called: calledCount,
      completed: Number(total.completed),
      noShow: Number(total.no_show),
      cancelled: Number(total.cancelled),
      avgWaitSec: seconds(total.avg_wait),
      p90WaitSec: seconds(total.p90_wait),
      avgServiceSec: seconds(total.avg_service),
      noShowRate: calledCount === 0 ? null : Number(total.no_show) / calledCount,
    },
    waitingNow: services.map((service) => ({
      serviceId: service.id,
      serviceName: service.name,
      prefix: service.prefix,
      waiting: Number(service.waiting ?? 0),
    })),
    byService: byService.rows.map((row) => ({
      serviceId: row.service_id,
      serviceName: serviceName.get(row.service_id) ?? '—',
      issued: Number(row.issued),
      completed: Number(row.completed),
      avgWaitSec: seconds(row.avg_wait),
      avgServiceSec: seconds(row.avg_service),
    })),
    byOperator: byOperator.rows.map((row) => ({
      operatorId: row.operator_id,
      operatorName: row.operator_name,
      called: Number(row.called),
      completed: Number(row.completed),
      noShow: Number(row.no_show),
      avgServiceSec: seconds(row.avg_service),
    })),
    byHour: byHour.rows.map((row) => ({ hour: Number(row.hour), issued: Number(row.issued), avgWaitSec: seconds(row.avg_wait) })),
  };
}

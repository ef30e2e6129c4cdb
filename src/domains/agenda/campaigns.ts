import { sql, type Kysely } from 'kysely';
import type { z } from 'zod';
import type { AgendaCampaign, AgendaCampaignRun, AgendaClient, BookingOffer, CampaignRunStats, CampaignType, DB } from '../../db/schema';
import { inSavepoint } from '../../db/savepoint';
import { tenantOf, withTenant, type TenantTransaction } from '../../db/tenant-scope';
import { recordAudit, type AuditContext } from '../../platform/audit/audit-log';
import { DomainError } from '../../platform/errors';
import { appendEvent } from '../../platform/events/outbox';
import { NO_OFFER, priceWithOffer, proposeBooking } from './auth-requests';
import { localToInstant } from './availability';
import { encherAgendaOffer, prazoCertoOffer } from './chat/replies';
import { notifyClient } from './notifications';
import type { campaignContextInput, updateCampaignInput } from './schemas';
import { openSlots, tenantTimeZone, type OpenSlot } from './slots';

export const CAMPAIGN_TYPES = ['prazo_certo', 'encher_agenda'] as const satisfies readonly CampaignType[];

/** The seed's schedules: Prazo Certo every day at 09:00, Encher Agenda Mon/Wed/Fri at 14:00, in the tenant's zone. */
export const DEFAULT_SCHEDULES: Record<CampaignType, string> = { prazo_certo: '0 9 * * *', encher_agenda: '0 14 * * 1,3,5' };
const DEFAULTS: Record<CampaignType, { schedule: string; offer_value: number }> = {
  prazo_certo: { schedule: DEFAULT_SCHEDULES.prazo_certo, offer_value: 10 },
  encher_agenda: { schedule: DEFAULT_SCHEDULES.encher_agenda, offer_value: 15 },
};

const DAY_MS = 86_400_000;
/** How far ahead a suggestion may be placed once a client is due. */
const SUGGESTION_HORIZON_DAYS = 14;

export interface CampaignView {
  type: CampaignType;
  enabled: boolean;
  schedule: string;
  offerType: 'none' | 'discount_percent';
  offerValue: number;
  windowDays: number;
  daysAhead: number;
  dailyCap: number;
  quietHoursStart: string;
  quietHoursEnd: string;
  frequencyCapDays: number;
}

export const toCampaignView = (campaign: AgendaCampaign): CampaignView => ({
  type: campaign.type,
  enabled: campaign.enabled,
  schedule: campaign.schedule,
  offerType: campaign.offer_type,
  offerValue: campaign.offer_value,
  windowDays: campaign.window_days,
  daysAhead: campaign.days_ahead,
  dailyCap: campaign.daily_cap,
  quietHoursStart: campaign.quiet_hours_start,
  quietHoursEnd: campaign.quiet_hours_end,
  frequencyCapDays: campaign.frequency_cap_days,
});

/** The tenant's two campaigns, created with the seed's defaults on first use. */
export async function listCampaigns(trx: TenantTransaction): Promise<AgendaCampaign[]> {
  await trx
    .insertInto('agenda_campaigns')
    .values(CAMPAIGN_TYPES.map((type) => ({ tenant_id: tenantOf(trx), type, ...DEFAULTS[type] })))
    .onConflict((oc) => oc.columns(['tenant_id', 'type']).doNothing())
    .execute();
  return trx.selectFrom('agenda_campaigns').selectAll().orderBy('type', 'desc').execute();
}

async function campaignOf(trx: TenantTransaction, type: CampaignType): Promise<AgendaCampaign> {
  return (await listCampaigns(trx)).find((campaign) => campaign.type === type)!;
}

export async function updateCampaign(
  trx: TenantTransaction,
  audit: AuditContext,
  input: z.output<typeof updateCampaignInput>,
): Promise<AgendaCampaign> {
  const before = await campaignOf(trx, input.type);
  const after = await trx
    .updateTable('agenda_campaigns')
    .set({
      ...(input.enabled !== undefined ? { enabled: input.enabled } : {}),
      ...(input.schedule !== undefined ? { schedule: input.schedule } : {}),
      ...(input.offerType !== undefined ? { offer_type: input.offerType } : {}),
      ...(input.offerValue !== undefined ? { offer_value: input.offerValue } : {}),
      ...(input.windowDays !== undefined ? { window_days: input.windowDays } : {}),
      ...(input.daysAhead !== undefined ? { days_ahead: input.daysAhead } : {}),
      ...(input.dailyCap !== undefined ? { daily_cap: input.dailyCap } : {}),
      ...(input.quietHoursStart !== undefined ? { quiet_hours_start: input.quietHoursStart } : {}),
      ...(input.quietHoursEnd !== undefined ? { quiet_hours_end: input.quietHoursEnd } : {}),
      ...(input.frequencyCapDays !== undefined ? { frequency_cap_days: input.frequencyCapDays } : {}),
      updated_at: new Date(),
    })
    .where('type', '=', input.type)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, audit, {
    action: 'agenda.campaign.updated',
    entity: 'agenda_campaign',
    entityId: input.type,
    before: { ...toCampaignView(before) },
    after: { ...toCampaignView(after) },
  });
  return after;
}

export type CampaignContext = z.output<typeof campaignContextInput>;
export type CampaignTrigger = AgendaCampaignRun['trigger'];

export interface CampaignRunView {
  id: string;
  type: CampaignType;
  trigger: CampaignTrigger;
  status: AgendaCampaignRun['status'];
  stats: CampaignRunStats;
  error: string | null;
  startedAt: Date;
  finishedAt: Date | null;
}

const EMPTY_STATS: CampaignRunStats = { total_clients_found: 0, suggestions_created: 0, notifications_sent: 0 };

export const toRunView = (run: AgendaCampaignRun): CampaignRunView => ({
  id: run.id,
  type: run.type,
  trigger: run.trigger,
  status: run.status,
  stats: { ...EMPTY_STATS, ...run.stats },
  error: run.error,
  startedAt: run.started_at,
  finishedAt: run.finished_at,
});

export async function listCampaignRuns(
  trx: TenantTransaction,
  input: { type?: CampaignType | undefined; limit?: number | undefined },
): Promise<CampaignRunView[]> {
  let query = trx
    .selectFrom('agenda_campaign_runs')
    .selectAll()
    .orderBy('started_at', 'desc')
    .orderBy('id', 'desc')
    .limit(input.limit ?? 50);
  if (input.type) query = query.where('type', '=', input.type);
  return (await query.execute()).map(toRunView);
}

/**
 * Runs a campaign once for `slotKey` (a schedule's slot, or a fresh key per manual run) in one
 * transaction: the run's row is claimed first, so a second instance firing the same slot waits
 * and then finds it done; a run that crashes leaves nothing behind (its suggestions and messages
 * roll back with it) and runs whole again; the suggestions' dedupe keys make a re-run of the same
 * cycle propose nothing twice. A failure is recorded as a failed run in a transaction of its own.
 */
export async function runCampaign(
  db: Kysely<DB>,
  tenantId: string,
  type: CampaignType,
  run: { trigger: CampaignTrigger; slotKey: string; context?: CampaignContext },
): Promise<CampaignRunView> {
  try {
    return await withTenant(db, tenantId, async (trx) => {
      const claimed = await trx
        .insertInto('agenda_campaign_runs')
        .values({
          tenant_id: tenantOf(trx),
          type,
          trigger: run.trigger,
          slot_key: run.slotKey,
          context: JSON.stringify(run.context ?? {}),
          stats: JSON.stringify(EMPTY_STATS),
        })
        .onConflict((oc) => oc.columns(['tenant_id', 'type', 'slot_key']).doNothing())
        .returningAll()
        .executeTakeFirst();
      // Taken already: a run that finished (or is running) is the answer; a failed one runs again.
      const runRow =
        claimed ??
        (await trx
          .selectFrom('agenda_campaign_runs')
          .selectAll()
          .where('type', '=', type)
          .where('slot_key', '=', run.slotKey)
          .executeTakeFirstOrThrow());
      if (!claimed && runRow.status !== 'failed') return toRunView(runRow);
      const runId = runRow.id;
      const campaign = await campaignOf(trx, type);
      const stats =
        type === 'prazo_certo'
          ? await runPrazoCerto(trx, campaign, runId, run.context ?? {})
          : await runEncherAgenda(trx, campaign, runId, run.context ?? {});
      const finished = await trx
        .updateTable('agenda_campaign_runs')
        .set({ status: 'completed', stats: JSON.stringify(stats), error: null, finished_at: new Date() })
        .where('id', '=', runId)
        .returningAll()
        .executeTakeFirstOrThrow();
      await appendEvent(trx, 'campaign_completed', { campaign_type: type, run_id: runId, stats });
      return toRunView(finished);
    });
  } catch (error) {
    if (error instanceof DomainError) throw error;
    await withTenant(db, tenantId, (trx) =>
      trx
        .insertInto('agenda_campaign_runs')
        .values({
          tenant_id: tenantOf(trx),
          type,
          trigger: run.trigger,
          slot_key: run.slotKey,
          status: 'failed',
          error: (error as Error).message.slice(0, 1000),
          finished_at: new Date(),
          context: JSON.stringify(run.context ?? {}),
          stats: JSON.stringify(EMPTY_STATS),
        })
        .onConflict((oc) =>
          oc
            .columns(['tenant_id', 'type', 'slot_key'])
            .doUpdateSet({ status: 'failed', error: (error as Error).message.slice(0, 1000), finished_at: new Date() }),
        )
        .execute(),
    );
    throw error;
  }
}

interface RunSettings {
  offer: BookingOffer;
  timeZone: string;
  /** Messages wait until the tenant's quiet hours end. */
  sendAfter: Date | undefined;
  /** Suggestions this campaign may still make today (its daily cap). */
  remainingToday: number;
}

async function runSettings(trx: TenantTransaction, campaign: AgendaCampaign, context: CampaignContext): Promise<RunSettings> {
  const timeZone = await tenantTimeZone(trx);
  const offer: BookingOffer =
    (context.offerType ?? campaign.offer_type) === 'none'
      ? NO_OFFER
      : { type: 'discount_percent', value: context.offerValue ?? campaign.offer_value };
  const todayStart = localToInstant(`${localDate(new Date(), timeZone)}T00:00`, timeZone);
  const madeToday = await trx
    .selectFrom('agenda_auth_requests')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('created_by_agent', '=', campaign.type)
    .where('created_at', '>=', todayStart instanceof Date ? todayStart : new Date(Date.now() - DAY_MS))
    .executeTakeFirstOrThrow();
  return {
    offer,
    timeZone,
    sendAfter: quietHoursEnd(new Date(), timeZone, campaign.quiet_hours_start, campaign.quiet_hours_end),
    remainingToday: Math.max(0, campaign.daily_cap - Number(madeToday.count)),
  };
}

interface PrazoCertoCandidate {
  client_id: string;
  service_id: string;
  professional_id: string;
  last_visit_at: Date;
  due_at: Date;
  found: string;
}

/**
 * Prazo Certo: clients whose last completed visit for a service plus its return cycle falls due
 * within the window (or is overdue), with no future booking of it, no pending proposal, not opted
 * out and not contacted within the frequency cap — found in one statement (the newest visit per
 * client and service read along the client-history index), the most overdue first.
 */
export async function prazoCertoCandidates(
  trx: TenantTransaction,
  campaign: AgendaCampaign,
  context: CampaignContext,
  limit: number,
): Promise<PrazoCertoCandidate[]> {
  return (await prazoCertoCandidatesQuery(campaign, context, limit).execute(trx)).rows;
}

/** The statement behind prazoCertoCandidates (the benchmark explains this very statement). */
export function prazoCertoCandidatesQuery(campaign: AgendaCampaign, context: CampaignContext, limit: number) {
  return sql<PrazoCertoCandidate>`
    with last_visit as (
      select distinct on (visit.client_id, visit.service_id) visit.client_id, visit.service_id, visit.professional_id, visit.starts_at
      from agenda_appointments visit
      where visit.status = 'completed' and (${context.serviceId ?? null}::uuid is null or visit.service_id = ${context.serviceId ?? null}::uuid)
      order by visit.client_id, visit.service_id, visit.starts_at desc
    ), due as (
      select last_visit.client_id, last_visit.service_id, last_visit.professional_id, last_visit.starts_at as last_visit_at,
             last_visit.starts_at + make_interval(days => service.return_cycle_days) as due_at
      from last_visit
      join agenda_services service on service.id = last_visit.service_id and service.active and service.return_cycle_days is not null
      join agenda_clients client on client.id = last_visit.client_id
      where client.opted_out_at is null
        and (client.last_contacted_at is null or client.last_contacted_at < now() - make_interval(days => ${campaign.frequency_cap_days}))
        and last_visit.starts_at + make_interval(days => service.return_cycle_days) <= now() + make_interval(days => ${campaign.window_days})
        and not exists (
          select 1 from agenda_appointments upcoming
          where upcoming.client_id = last_visit.client_id and upcoming.service_id = last_visit.service_id
            and upcoming.starts_at > now() and upcoming.status in ('pending_approval', 'confirmed'))
        and not exists (
          select 1 from agenda_auth_requests proposal
          where proposal.client_id = last_visit.client_id and proposal.status = 'pending' and proposal.expires_at > now())
    )
    select client_id, service_id, professional_id, last_visit_at, due_at, count(*) over () as found
    from due
    order by due_at, client_id
    limit ${limit}`;
}

async function runPrazoCerto(
  trx: TenantTransaction,
  campaign: AgendaCampaign,
  runId: string,
  context: CampaignContext,
): Promise<CampaignRunStats> {
  const settings = await runSettings(trx, campaign, context);
  // Read past the cap: some candidates find no free slot, and the total is reported.
  const candidates = await prazoCertoCandidates(trx, campaign, context, Math.max(settings.remainingToday * 3, 1));
  const stats: CampaignRunStats = { total_clients_found: Number(candidates[0]?.found ?? 0), suggestions_created: 0, notifications_sent: 0 };
  for (const candidate of candidates) {
    if (stats.suggestions_created >= settings.remainingToday) break;
    const from = new Date(Math.max(candidate.due_at.getTime(), Date.now()));
    const to = new Date(from.getTime() + SUGGESTION_HORIZON_DAYS * DAY_MS);
    const professionalId = context.professionalId ?? candidate.professional_id;
    let slot = (await openSlots(trx, { serviceId: candidate.service_id, professionalId, from, to })).slots[0];
    // Their usual professional has no time: anyone who does the service.
    if (!slot && !context.professionalId) slot = (await openSlots(trx, { serviceId: candidate.service_id, from, to })).slots[0];
    if (!slot) continue;
    const outcome = await suggest(trx, campaign.type, runId, settings, {
      clientId: candidate.client_id,
      serviceId: candidate.service_id,
      slot,
      dedupeKey: `prazo_certo:${candidate.client_id}:${candidate.service_id}:${candidate.last_visit_at.toISOString()}`,
    });
    stats.suggestions_created += outcome.created ? 1 : 0;
    stats.notifications_sent += outcome.notified ? 1 : 0;
  }
  return stats;
}

/**
 * Encher Agenda: each professional's free time in the next N days, as non-overlapping slots of the
 * service they do most, offered one client each: those with the most history with that
 * professional (then that service), not opted out, not contacted recently, with nothing booked
 * or proposed ahead.
 */
async function runEncherAgenda(
  trx: TenantTransaction,
  campaign: AgendaCampaign,
  runId: string,
  context: CampaignContext,
): Promise<CampaignRunStats> {
  const settings = await runSettings(trx, campaign, context);
  const daysAhead = context.daysAhead ?? campaign.days_ahead;
  let professionalsQuery = trx.selectFrom('agenda_professionals').select(['id']).where('active', '=', true).orderBy('name');
  if (context.professionalId) professionalsQuery = professionalsQuery.where('id', '=', context.professionalId);
  const professionals = await professionalsQuery.execute();
  if (context.professionalId && professionals.length === 0)
    throw new DomainError('NOT_FOUND', 'PROFESSIONAL_NOT_FOUND', 'Profissional não encontrado');
  const stats: CampaignRunStats = { ...EMPTY_STATS };
  const offered = new Set<string>();
  for (const professional of professionals) {
    const serviceId = context.serviceId ?? (await mainServiceOf(trx, professional.id));
    if (!serviceId) continue;
    const from = new Date();
    const slots = spacedOut(
      (await openSlots(trx, { serviceId, professionalId: professional.id, from, to: new Date(from.getTime() + daysAhead * DAY_MS) })).slots,
    );
    if (slots.length === 0) continue;
    const clients = (await likelyClients(trx, campaign, professional.id, serviceId, slots.length + offered.size)).filter(
      (client) => !offered.has(client.id),
    );
    stats.total_clients_found += clients.length;
    for (const [index, slot] of slots.entries()) {
      const client = clients[index];
      if (!client || stats.suggestions_created >= settings.remainingToday) break;
      offered.add(client.id);
      const outcome = await suggest(trx, campaign.type, runId, settings, {
        clientId: client.id,
        serviceId,
        slot,
        dedupeKey: `encher_agenda:${professional.id}:${slot.startsAt.toISOString()}:${client.id}`,
      });
      stats.suggestions_created += outcome.created ? 1 : 0;
      stats.notifications_sent += outcome.notified ? 1 : 0;
    }
  }
  return stats;
}

/** Slots that do not overlap one another, so each offer is a real, separate opening. */
function spacedOut(slots: readonly OpenSlot[]): OpenSlot[] {
  const kept: OpenSlot[] = [];
  for (const slot of slots) if (!kept.length || slot.startsAt >= kept[kept.length - 1]!.endsAt) kept.push(slot);
  return kept;
}

async function mainServiceOf(trx: TenantTransaction, professionalId: string): Promise<string | undefined> {
  const { rows } = await sql<{ service_id: string }>`
    select offered.service_id from agenda_professional_services offered
    join agenda_services service on service.id = offered.service_id and service.active
    left join agenda_appointments visit on visit.professional_id = offered.professional_id and visit.service_id = offered.service_id and visit.status = 'completed'
    where offered.professional_id = ${professionalId}
    group by offered.service_id
    order by count(visit.id) desc, offered.service_id
    limit 1`.execute(trx);
  return rows[0]?.service_id;
}

async function likelyClients(
  trx: TenantTransaction,
  campaign: AgendaCampaign,
  professionalId: string,
  serviceId: string,
  limit: number,
): Promise<AgendaClient[]> {
  const { rows } = await sql<AgendaClient>`
    select client.* from agenda_clients client
    join lateral (
      select count(*) filter (where visit.professional_id = ${professionalId}) as with_professional,
             count(*) filter (where visit.service_id = ${serviceId}) as with_service,
             max(visit.starts_at) as last_visit
      from agenda_appointments visit
      where visit.client_id = client.id and visit.status = 'completed'
    ) history on history.with_professional > 0 or history.with_service > 0
    where client.opted_out_at is null
      and (client.last_contacted_at is null or client.last_contacted_at < now() - make_interval(days => ${campaign.frequency_cap_days}))
      and not exists (select 1 from agenda_appointments upcoming where upcoming.client_id = client.id and upcoming.starts_at > now() and upcoming.status in ('pending_approval', 'confirmed'))
      and not exists (select 1 from agenda_auth_requests proposal where proposal.client_id = client.id and proposal.status = 'pending' and proposal.expires_at > now())
    order by history.with_professional desc, history.with_service desc, history.last_visit desc, client.id
    limit ${limit}`.execute(trx);
  return rows;
}

/** One suggestion: an auth request on the slot (once per dedupe key) and the offer sent to the client (once). */
async function suggest(
  trx: TenantTransaction,
  type: CampaignType,
  runId: string,
  settings: RunSettings,
  suggestion: { clientId: string; serviceId: string; slot: OpenSlot; dedupeKey: string },
): Promise<{ created: boolean; notified: boolean }> {
  const proposed = await inSavepoint(trx, () =>
    proposeBooking(trx, {
      clientId: suggestion.clientId,
      serviceId: suggestion.serviceId,
      professionalId: suggestion.slot.professionalId,
      startsAt: suggestion.slot.startsAt,
      offer: settings.offer,
      createdByAgent: type,
      campaignRunId: runId,
      dedupeKey: suggestion.dedupeKey,
    }),
  );
  // Taken meanwhile (a conflict): nothing proposed, nothing sent.
  if (!proposed.ok) {
    if (proposed.error instanceof DomainError && proposed.error.code === 'CONFLICT') return { created: false, notified: false };
    throw proposed.error;
  }
  if (!proposed.value.created) return { created: false, notified: false };
  const request = proposed.value.request;
  const client = await trx.selectFrom('agenda_clients').selectAll().where('id', '=', suggestion.clientId).executeTakeFirstOrThrow();
  const service = await trx
    .selectFrom('agenda_services')
    .select(['name', 'price_cents'])
    .where('id', '=', suggestion.serviceId)
    .executeTakeFirstOrThrow();
  const offerInput = {
    clientName: client.name,
    serviceName: service.name,
    slot: { start: suggestion.slot.startsAt, professionalName: suggestion.slot.professionalName },
    timeZone: settings.timeZone,
    discount:
      settings.offer.type === 'discount_percent' && settings.offer.value > 0
        ? { percent: settings.offer.value, priceCents: priceWithOffer(service.price_cents, settings.offer) }
        : null,
  };
  const notified = await notifyClient(trx, {
    client,
    kind: type === 'prazo_certo' ? 'prazo_certo_offer' : 'encher_agenda_offer',
    message: type === 'prazo_certo' ? prazoCertoOffer(offerInput) : encherAgendaOffer(offerInput),
    dedupeKey: `offer:${request.id}`,
    details: { authRequestId: request.id, startsAt: request.starts_at.toISOString(), offer: settings.offer },
    ...(settings.sendAfter ? { notBefore: settings.sendAfter } : {}),
  });
  return { created: true, notified };
}

function localDate(instant: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('sv-SE', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(instant);
}

/**
 * When `now` falls in the quiet hours ('20:00'–'08:00' wraps midnight), the instant they end;
 * otherwise undefined. Messages are held until then rather than dropped.
 */
export function quietHoursEnd(now: Date, timeZone: string, start: string, end: string): Date | undefined {
  if (start === end) return undefined;
  const clock = new Intl.DateTimeFormat('sv-SE', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(now);
  const wraps = start > end;
  const quiet = wraps ? clock >= start || clock < end : clock >= start && clock < end;
  if (!quiet) return undefined;
  const today = localDate(now, timeZone);
  const endDate = wraps && clock >= start ? localDate(new Date(now.getTime() + DAY_MS), timeZone) : today;
  const endsAt = localToInstant(`${endDate}T${end}`, timeZone);
  return endsAt instanceof Date ? endsAt : new Date(now.getTime() + 60 * 60_000);
}

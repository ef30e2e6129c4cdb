import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { AgendaChatMessage, AgendaClient, DB } from '../../../db/schema';
import { inSavepoint } from '../../../db/savepoint';
import { tenantOf, withTenant, type TenantTransaction } from '../../../db/tenant-scope';
import { DomainError } from '../../../platform/errors';
import { appendEvent } from '../../../platform/events/outbox';
import { LlmError, type LlmProvider } from '../../../platform/llm';
import { meterTenantLlmCall } from '../../usage';
import type { Logger } from '../../../platform/observability/logger';
import { NO_OFFER, proposeBooking } from '../auth-requests';
import { localToInstant, type Slot } from '../availability';
import { clientForPhone, findClient, optOutClient } from '../clients';
import { notifyClient } from '../notifications';
import { openSlots, tenantTimeZone } from '../slots';
import { understandOffline } from './offline-understanding';
import {
  askDateReply,
  askServiceReply,
  complaintReply,
  greetingReply,
  noAvailabilityReply,
  optOutReply,
  proposalPendingReply,
  servicesReply,
  slotTakenReply,
  unknownReply,
} from './replies';
import { chatUnderstandingSchema, type ChatCatalogue, type ChatUnderstanding } from './understanding';

export interface ChatAgentDeps {
  db: Kysely<DB>;
  logger: Logger;
  /** Undefined: the offline provider answers alone. */
  llm: LlmProvider | undefined;
}

export interface IncomingChatMessage {
  phone: string;
  clientId?: string | undefined;
  clientName?: string | undefined;
  message: string;
  channel: string;
  timestamp: string;
  /** The sender's own id for the message, when it has one (a helpdesk message); else phone, time and text identify it. */
  dedupeKey?: string;
}

/**
 * Stores a client's message, once: the same phone, time and text delivered again (an n8n retry)
 * is the first copy. The client is the one n8n named, or the one with this phone (created when new).
 */
export async function receiveClientMessage(
  trx: TenantTransaction,
  incoming: IncomingChatMessage,
): Promise<{ chatMessageId: string; conversationId: string; duplicate: boolean }> {
  let client: AgendaClient;
  if (incoming.clientId) {
    client = await findClient(trx, incoming.clientId).catch(() => {
      throw new DomainError('NOT_FOUND', 'CLIENT_NOT_FOUND', 'client_id não é um cliente desta empresa', { clientId: incoming.clientId });
    });
  } else client = await clientForPhone(trx, incoming.phone, incoming.clientName ?? incoming.phone);
  const dedupeKey =
    incoming.dedupeKey ?? createHash('sha256').update(`${incoming.phone}\n${incoming.timestamp}\n${incoming.message}`).digest('hex');
  // A copy already stored (a retried webhook, another instance hearing the same event) touches nothing.
  const known = await storedCopy(trx, dedupeKey);
  if (known) return known;
  const conversation = await trx
    .insertInto('agenda_conversations')
    .values({ tenant_id: tenantOf(trx), client_id: client.id, channel: incoming.channel })
    .onConflict((oc) => oc.columns(['tenant_id', 'client_id', 'channel']).doUpdateSet({ last_message_at: new Date() }))
    .returning('id')
    .executeTakeFirstOrThrow();
  const stored = await trx
    .insertInto('agenda_chat_messages')
    .values({ tenant_id: tenantOf(trx), conversation_id: conversation.id, role: 'client', body: incoming.message, dedupe_key: dedupeKey })
    .onConflict((oc) => oc.columns(['tenant_id', 'dedupe_key']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (stored) return { chatMessageId: stored.id, conversationId: conversation.id, duplicate: false };
  const first = await storedCopy(trx, dedupeKey);
  if (!first) throw new Error(`chat message ${dedupeKey} conflicted but is not stored`);
  return first;
}

async function storedCopy(trx: TenantTransaction, dedupeKey: string) {
  const first = await trx
    .selectFrom('agenda_chat_messages')
    .select(['id', 'conversation_id'])
    .where('dedupe_key', '=', dedupeKey)
    .executeTakeFirst();
  return first && { chatMessageId: first.id, conversationId: first.conversation_id, duplicate: true };
}

/** What the agent read in the message, what it did, and what it answered. */
export interface AgentAnswer {
  conversationId: string;
  clientId: string;
  intent: ChatUnderstanding['intent'];
  reply: string;
  bookingCreated: boolean;
  authRequestId: string | null;
}

const HISTORY_MESSAGES = 10;
const SEARCH_AHEAD_DAYS = 7;
const DAY_MS = 86_400_000;

/**
 * Answers one stored client message, once: understands it (the configured LLM, falling back to
 * the offline rules on any error), acts (a booking becomes an auth request on a slot that is
 * really free, or alternatives; PARAR opts the client out), stores and sends the reply, and
 * announces `ai_response`. A message already answered is left alone.
 */
export async function answerClientMessage(deps: ChatAgentDeps, tenantId: string, chatMessageId: string): Promise<AgentAnswer | undefined> {
  const context = await withTenant(deps.db, tenantId, async (trx) => {
    const message = await trx.selectFrom('agenda_chat_messages').selectAll().where('id', '=', chatMessageId).executeTakeFirst();
    if (!message || message.role !== 'client' || message.replied_at) return undefined;
    const conversation = await trx
      .selectFrom('agenda_conversations')
      .selectAll()
      .where('id', '=', message.conversation_id)
      .executeTakeFirstOrThrow();
    const history = await trx
      .selectFrom('agenda_chat_messages')
      .select(['role', 'body'])
      .where('conversation_id', '=', conversation.id)
      .where('created_at', '<', message.created_at)
      .orderBy('created_at', 'desc')
      .limit(HISTORY_MESSAGES)
      .execute();
    return { message, conversation, history: history.reverse(), catalogue: await chatCatalogue(trx), timeZone: await tenantTimeZone(trx) };
  });
  if (!context) return undefined;
  const understanding = await understand(deps, tenantId, context);

  return withTenant(deps.db, tenantId, async (trx) => {
    // Locks in the order receiveClientMessage takes them (the conversation, then its message), so
    // answering never deadlocks with another copy of the message arriving.
    await trx.selectFrom('agenda_conversations').select('id').where('id', '=', context.conversation.id).forUpdate().execute();
    // One answer per message, even when a sweep and the webhook's own run race for it.
    const message = await trx
      .selectFrom('agenda_chat_messages')
      .selectAll()
      .where('id', '=', chatMessageId)
      .forUpdate()
      .executeTakeFirstOrThrow();
    if (message.replied_at) return undefined;
    const client = await findClient(trx, context.conversation.client_id);
    const outcome = await act(trx, {
      understanding,
      client,
      catalogue: context.catalogue,
      timeZone: context.timeZone,
      conversationId: context.conversation.id,
      chatMessageId,
    });
    await trx
      .updateTable('agenda_chat_messages')
      .set({ replied_at: new Date(), intent: understanding.intent })
      .where('id', '=', message.id)
      .execute();
    await trx
      .insertInto('agenda_chat_messages')
      .values({
        tenant_id: tenantOf(trx),
        conversation_id: context.conversation.id,
        role: 'agent',
        body: outcome.reply,
        intent: understanding.intent,
        booking_created: outcome.authRequestId !== null,
        auth_request_id: outcome.authRequestId,
      })
      .execute();
    await trx
      .updateTable('agenda_conversations')
      .set({ last_message_at: new Date(), last_intent: understanding.intent })
      .where('id', '=', context.conversation.id)
      .execute();
    // The opt-out confirmation is the last message the client gets; the reply goes before the flag is read.
    await notifyClient(trx, {
      client,
      kind: 'chat_reply',
      message: outcome.reply,
      dedupeKey: `chat_reply:${message.id}`,
      details: { conversationId: context.conversation.id, intent: understanding.intent },
      ...replyRouteOf(context.conversation.channel),
    });
    if (understanding.optOut) await optOutClient(trx, client.id);
    const answer: AgentAnswer = {
      conversationId: context.conversation.id,
      clientId: client.id,
      intent: understanding.intent,
      reply: outcome.reply,
      bookingCreated: outcome.authRequestId !== null,
      authRequestId: outcome.authRequestId,
    };
    await appendEvent(trx, 'ai_response', {
      conversation_id: answer.conversationId,
      client_id: answer.clientId,
      message: answer.reply,
      intent: answer.intent,
      booking_created: answer.bookingCreated,
    });
    return answer;
  });
}

/** Conversations that came in through a helpdesk channel are answered on it. */
export const HELPDESK_CHANNEL_PREFIX = 'helpdesk:';
const replyRouteOf = (channel: string) =>
  channel.startsWith(HELPDESK_CHANNEL_PREFIX) ? { helpdeskChannelId: channel.slice(HELPDESK_CHANNEL_PREFIX.length) } : {};

async function chatCatalogue(trx: TenantTransaction): Promise<ChatCatalogue> {
  const services = await trx
    .selectFrom('agenda_services')
    .select(['id', 'name', 'duration_min', 'price_cents'])
    .where('active', '=', true)
    .orderBy('name')
    .execute();
  const professionals = await trx
    .selectFrom('agenda_professionals')
    .select(['id', 'name'])
    .where('active', '=', true)
    .orderBy('name')
    .execute();
  return {
    services: services.map((service) => ({
      id: service.id,
      name: service.name,
      durationMin: service.duration_min,
      priceCents: service.price_cents,
    })),
    professionals,
  };
}

interface UnderstandingInput {
  message: AgendaChatMessage;
  history: Array<{ role: 'client' | 'agent'; body: string }>;
  catalogue: ChatCatalogue;
  timeZone: string;
}

/** The configured model's reading, checked against the catalogue; the offline rules when it fails. Every model call is recorded. */
async function understand(deps: ChatAgentDeps, tenantId: string, input: UnderstandingInput): Promise<ChatUnderstanding> {
  const offline = () => understandOffline(input.message.body, { now: new Date(), timeZone: input.timeZone, catalogue: input.catalogue });
  if (!deps.llm) return offline();
  const llm = deps.llm;
  try {
    const answer = await llm.generateStructured({
      system: systemPrompt(input),
      messages: [
        ...input.history.map((entry) => ({
          role: entry.role === 'client' ? ('user' as const) : ('assistant' as const),
          content: entry.body,
        })),
        { role: 'user', content: input.message.body },
      ],
      schema: chatUnderstandingSchema,
      schemaName: 'chat_understanding',
    });
    await recordLlmCall(deps.db, tenantId, {
      provider: llm.provider,
      model: answer.model,
      inputTokens: answer.usage.inputTokens,
      outputTokens: answer.usage.outputTokens,
      latencyMs: answer.latencyMs,
      outcome: 'ok',
    });
    return withinCatalogue(answer.value, input.catalogue);
  } catch (error) {
    const failure = error instanceof LlmError ? error : undefined;
    deps.logger.warn({ err: error, tenantId, provider: llm.provider }, 'LLM call failed; answering with the offline provider');
    await recordLlmCall(deps.db, tenantId, {
      provider: llm.provider,
      model: llm.model,
      inputTokens: failure?.usage?.inputTokens ?? 0,
      outputTokens: failure?.usage?.outputTokens ?? 0,
      latencyMs: failure?.latencyMs ?? 0,
      outcome: failure?.kind ?? 'error',
      error: (error as Error).message.slice(0, 500),
      fellBack: true,
    });
    return offline();
  }
}

/** A model may name ids that do not exist: those become "not said". */
function withinCatalogue(understanding: ChatUnderstanding, catalogue: ChatCatalogue): ChatUnderstanding {
  if (!understanding.booking) return understanding;
  const { serviceId, professionalId } = understanding.booking;
  return {
    ...understanding,
    booking: {
      ...understanding.booking,
      serviceId: serviceId && catalogue.services.some((service) => service.id === serviceId) ? serviceId : null,
      professionalId:
        professionalId && catalogue.professionals.some((professional) => professional.id === professionalId) ? professionalId : null,
    },
  };
}

function systemPrompt(input: UnderstandingInput): string {
  const now = new Intl.DateTimeFormat('sv-SE', {
    timeZone: input.timeZone,
    dateStyle: 'short',
    timeStyle: 'short',
    hourCycle: 'h23',
  }).format(new Date());
  const weekday = new Intl.DateTimeFormat('pt-BR', { timeZone: input.timeZone, weekday: 'long' }).format(new Date());
  return [
    'Você lê mensagens de WhatsApp de clientes de um salão/clínica no Brasil e responde só com JSON no esquema pedido.',
    `Agora é ${weekday}, ${now} (fuso ${input.timeZone}). Datas em AAAA-MM-DD e horas em HH:MM, no horário local.`,
    'intent: booking (quer marcar/remarcar ou pergunta por horário), inquiry (preço, endereço, serviços), complaint (reclamação), hello (só cumprimento), unknown.',
    'optOut: true quando a pessoa pede para não receber mais mensagens (PARAR, SAIR).',
    'booking: só quando intent = booking; use apenas ids do catálogo abaixo (null quando não disse); period: morning, afternoon ou evening quando disse o período sem hora.',
    `Serviços: ${JSON.stringify(input.catalogue.services.map((service) => ({ id: service.id, name: service.name })))}`,
    `Profissionais: ${JSON.stringify(input.catalogue.professionals)}`,
  ].join('\n');
}

async function recordLlmCall(
  db: Kysely<DB>,
  tenantId: string,
  call: {
    provider: string;
    model: string;
    inputTokens: number;
    outputTokens: number;
    latencyMs: number;
    outcome: string;
    error?: string;
    fellBack?: boolean;
  },
): Promise<void> {
  await withTenant(db, tenantId, (trx) =>
    trx
      .insertInto('llm_calls')
      .values({
        tenant_id: tenantId,
        purpose: 'agenda.chat',
        provider: call.provider,
        model: call.model,
        input_tokens: call.inputTokens,
        output_tokens: call.outputTokens,
        latency_ms: Math.round(call.latencyMs),
        outcome: call.outcome,
        error: call.error ?? null,
        fell_back: call.fellBack ?? false,
      })
      .execute(),
  );
  // The tenant sees all of its AI spend in the usage domain, the chat agent's included.
  await meterTenantLlmCall(db, tenantId, {
    feature: 'agenda.chat',
    model: call.model,
    inputTokens: call.inputTokens,
    outputTokens: call.outputTokens,
    latencyMs: call.latencyMs,
    outcome: call.outcome,
    ...(call.error ? { error: call.error } : {}),
  });
}

interface ActionContext {
  understanding: ChatUnderstanding;
  client: AgendaClient;
  catalogue: ChatCatalogue;
  timeZone: string;
  conversationId: string;
  chatMessageId: string;
}

/** The reply to send, and the auth request a booking created. */
async function act(trx: TenantTransaction, context: ActionContext): Promise<{ reply: string; authRequestId: string | null }> {
  const { understanding, client, catalogue } = context;
  const reply = (text: string) => ({ reply: text, authRequestId: null });
  if (understanding.optOut) return reply(optOutReply());
  switch (understanding.intent) {
    case 'hello':
      return reply(greetingReply({ clientName: client.name, businessName: null }));
    case 'inquiry':
      return reply(servicesReply({ services: catalogue.services }));
    case 'complaint':
      return reply(complaintReply({ clientName: client.name }));
    case 'unknown':
      return reply(unknownReply());
    case 'booking':
      return proposeFromChat(trx, context);
  }
}

/** The period's local hours, for "sexta à tarde". */
const PERIOD_HOURS = { morning: ['06:00', '12:00'], afternoon: ['12:00', '18:00'], evening: ['18:00', '23:59'] } as const;

async function proposeFromChat(trx: TenantTransaction, context: ActionContext): Promise<{ reply: string; authRequestId: string | null }> {
  const booking = context.understanding.booking;
  const service = context.catalogue.services.find((candidate) => candidate.id === booking?.serviceId);
  if (!booking || !service) return { reply: askServiceReply({ services: context.catalogue.services }), authRequestId: null };
  if (!booking.date) return { reply: askDateReply({ serviceName: service.name }), authRequestId: null };
  const { timeZone } = context;
  const local = (time: string) => localToInstant(`${booking.date}T${time}`, timeZone);
  const dayStart = local('00:00');
  const dayEnd = localToInstant(`${nextDate(booking.date)}T00:00`, timeZone);
  if (dayStart === 'nonexistent' || dayEnd === 'nonexistent')
    return { reply: askDateReply({ serviceName: service.name }), authRequestId: null };
  const professionalId = booking.professionalId ?? undefined;
  const daySlots = (await openSlots(trx, { serviceId: service.id, professionalId, from: dayStart, to: dayEnd })).slots;

  const wanted = booking.time ? local(booking.time) : undefined;
  const period = booking.period ? PERIOD_HOURS[booking.period] : undefined;
  const pick =
    wanted instanceof Date
      ? daySlots.find((slot) => slot.startsAt.getTime() === wanted.getTime())
      : period
        ? daySlots.find((slot) => inLocalRange(slot, period, local))
        : booking.time
          ? undefined
          : daySlots[0];
  if (pick) {
    const proposed = await inSavepoint(trx, () =>
      proposeBooking(trx, {
        clientId: context.client.id,
        serviceId: service.id,
        professionalId: pick.professionalId,
        startsAt: pick.startsAt,
        offer: NO_OFFER,
        createdByAgent: 'chat',
        conversationId: context.conversationId,
        dedupeKey: `chat:${context.chatMessageId}`,
      }),
    );
    if (proposed.ok) {
      return {
        reply: proposalPendingReply({
          serviceName: service.name,
          professionalName: pick.professionalName,
          start: pick.startsAt,
          timeZone,
          discount: null,
        }),
        authRequestId: proposed.value.request.id,
      };
    }
    if (!(proposed.error instanceof DomainError && proposed.error.code === 'CONFLICT')) throw proposed.error;
  }
  // Not free as asked: the nearest free times, that day first, then the next days.
  const around = wanted instanceof Date ? wanted : dayStart;
  const nearby =
    daySlots.length > 0
      ? daySlots
      : (
          await openSlots(trx, {
            serviceId: service.id,
            professionalId,
            from: dayStart,
            to: new Date(dayStart.getTime() + SEARCH_AHEAD_DAYS * DAY_MS),
          })
        ).slots;
  if (nearby.length === 0) return { reply: noAvailabilityReply({ days: SEARCH_AHEAD_DAYS }), authRequestId: null };
  const alternatives = [...nearby]
    .filter((slot) => slot !== pick)
    .sort((a, b) => Math.abs(a.startsAt.getTime() - around.getTime()) - Math.abs(b.startsAt.getTime() - around.getTime()))
    .slice(0, 3)
    .sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
  return {
    reply: slotTakenReply({
      alternatives: alternatives.map((slot) => ({ start: slot.startsAt, professionalName: slot.professionalName })),
      timeZone,
    }),
    authRequestId: null,
  };
}

function inLocalRange(slot: Slot, [start, end]: readonly [string, string], local: (time: string) => Date | 'nonexistent'): boolean {
  const from = local(start);
  const to = local(end);
  return from instanceof Date && to instanceof Date && slot.startsAt >= from && slot.startsAt < to;
}

const nextDate = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);

import { CronExpressionParser } from 'cron-parser';
import { z } from 'zod';
import { text } from '../../platform/validation';

export const id = z.uuid({ error: 'Identificador inválido' });
export const byId = z.strictObject({ id });
const httpUrl = z.url({ protocol: /^https?$/, error: 'URL http(s) inválida' }).max(2048);

/** 'HH:MM' on a 24-hour clock; '24:00' only closes a day. */
export const wallTime = z.string().regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, 'Horário no formato HH:MM');
const localInterval = z
  .strictObject({ start: wallTime, end: wallTime })
  .refine((interval) => interval.end > interval.start, { message: 'O fim deve ser depois do início', path: ['end'] });
const weeklyInterval = z
  .strictObject({
    weekday: z.number().int().min(0, 'weekday: 0 (domingo) a 6 (sábado)').max(6, 'weekday: 0 (domingo) a 6 (sábado)'),
    start: wallTime,
    end: wallTime,
  })
  .refine((interval) => interval.end > interval.start, { message: 'O fim deve ser depois do início', path: ['end'] });

/** Intervals of one weekday may not overlap: a day is a set of working periods, gaps are breaks. */
const weeklyHours = z
  .array(weeklyInterval)
  .max(70)
  .refine((intervals) => !hasOverlap(intervals), 'Intervalos do mesmo dia se sobrepõem');

function hasOverlap(intervals: ReadonlyArray<{ weekday: number; start: string; end: string }>): boolean {
  const sorted = [...intervals].sort((a, b) => a.weekday - b.weekday || a.start.localeCompare(b.start));
  return sorted.some(
    (interval, index) => index > 0 && sorted[index - 1]!.weekday === interval.weekday && sorted[index - 1]!.end > interval.start,
  );
}

export const localDate = z.iso.date({ error: 'Data no formato AAAA-MM-DD' });
/** An instant with its offset (2026-12-10T10:00:00-03:00), or a wall time in the tenant's zone (2026-12-10T10:00). */
export const bookingTime = z.union([z.iso.datetime({ offset: true }), z.iso.datetime({ local: true })], {
  error: 'Data e hora ISO 8601 (com fuso, ou hora local da empresa)',
});
const instant = z.iso.datetime({ offset: true, error: 'Data e hora ISO 8601 com fuso' });

export const updateSettingsInput = z.strictObject({
  n8nOutboundUrl: httpUrl.nullable().optional(),
  notificationRoute: z.enum(['n8n', 'helpdesk']).optional(),
  helpdeskChannelId: id.nullable().optional(),
  chatFromHelpdesk: z.boolean().optional(),
  authRequestTtlHours: z.number().int().min(1).max(720).optional(),
  minNoticeMinutes: z.number().int().min(0).max(10_080).optional(),
  slotStepMinutes: z.number().int().min(5).max(240).optional(),
});

const phone = text({ min: 1, minMessage: 'Informe o telefone', max: 40 });
export const createClientInput = z.strictObject({
  name: text({ min: 1, minMessage: 'Informe o nome', max: 160 }),
  phone,
  email: z.email({ error: 'E-mail inválido' }).max(254).nullable().optional(),
  birthday: localDate.nullable().optional(),
  notes: text({ max: 5000 }).optional(),
});
export const updateClientInput = createClientInput.partial().extend({ id, optedOut: z.boolean().optional() });
export const listClientsInput = z
  .strictObject({ search: text({ max: 100 }).optional(), limit: z.number().int().min(1).max(200).optional() })
  .default({});

const minutes = (max: number) => z.number().int().min(0).max(max);
export const createServiceInput = z.strictObject({
  name: text({ min: 1, minMessage: 'Informe o nome do serviço', max: 120 }),
  durationMin: z.number().int().min(5, 'Duração mínima: 5 minutos').max(720, 'Duração máxima: 12 horas'),
  priceCents: z.number().int('Preço em centavos (inteiro)').min(0).max(100_000_000),
  returnCycleDays: z.number().int().min(1).max(3650).nullable().optional(),
  bufferBeforeMin: minutes(240).optional(),
  bufferAfterMin: minutes(240).optional(),
});
export const updateServiceInput = createServiceInput.partial().extend({ id, active: z.boolean().optional() });

export const createProfessionalInput = z.strictObject({
  name: text({ min: 1, minMessage: 'Informe o nome', max: 120 }),
  serviceIds: z.array(id).max(200),
  hours: weeklyHours,
  breaks: weeklyHours.optional(),
});
export const updateProfessionalInput = createProfessionalInput.partial().extend({ id, active: z.boolean().optional() });
export const setDateOverrideInput = z.strictObject({ professionalId: id, date: localDate, intervals: z.array(localInterval).max(10) });
export const clearDateOverrideInput = z.strictObject({ professionalId: id, date: localDate });
export const addTimeOffInput = z
  .strictObject({ professionalId: id, startsAt: instant, endsAt: instant, reason: text({ max: 300 }).optional() })
  .refine((input) => input.endsAt > input.startsAt, { message: 'O fim deve ser depois do início', path: ['endsAt'] });

export const createAppointmentInput = z.strictObject({
  clientId: id,
  serviceId: id,
  professionalId: id,
  startsAt: bookingTime,
  notes: text({ max: 2000 }).optional(),
});
export const rescheduleAppointmentInput = z.strictObject({ id, startsAt: bookingTime, professionalId: id.optional() });
export const cancelAppointmentInput = z.strictObject({ id, reason: text({ max: 500 }).optional() });
export const setAppointmentOutcomeInput = z.strictObject({ id, outcome: z.enum(['completed', 'no_show']) });

/** At most 62 days a query: a calendar month view with its spill-over weeks. */
const MAX_RANGE_DAYS = 62;
const dayMs = 24 * 60 * 60 * 1000;
const boundedRange = <T extends { from: string; to: string }>(range: T) =>
  new Date(range.to).getTime() > new Date(range.from).getTime() &&
  new Date(range.to).getTime() - new Date(range.from).getTime() <= MAX_RANGE_DAYS * dayMs;
const rangeMessage = { message: `"to" deve ser depois de "from", em no máximo ${MAX_RANGE_DAYS} dias`, path: ['to'] };

export const listAppointmentsInput = z
  .strictObject({ from: instant, to: instant, professionalId: id.optional() })
  .refine(boundedRange, rangeMessage);
export const slotsInput = z
  .strictObject({ serviceId: id, professionalId: id.optional(), from: instant, to: instant })
  .refine(boundedRange, rangeMessage);

export const authRequestStatus = z.enum(['pending', 'approved', 'rejected', 'expired']);
export const listAuthRequestsInput = z
  .strictObject({ status: authRequestStatus.optional(), limit: z.number().int().min(1).max(200).optional() })
  .default({});
export const decideAuthRequestInput = z.strictObject({
  id,
  decision: z.enum(['approve', 'reject']),
  notes: text({ max: 1000 }).optional(),
});
export const proposeBookingInput = z.strictObject({
  clientId: id,
  serviceId: id,
  professionalId: id,
  startsAt: bookingTime,
  offer: z.strictObject({ type: z.enum(['none', 'discount_percent']), value: z.number().int().min(0).max(100) }).optional(),
});

export const campaignType = z.enum(['prazo_certo', 'encher_agenda']);
/** Five-field cron, read in the tenant's zone. */
const cronSchedule = z
  .string()
  .trim()
  .max(100)
  .refine((value) => value.split(/\s+/).length === 5 && isValidCron(value), 'Agenda cron de 5 campos inválida (ex.: 0 9 * * *)');

function isValidCron(expression: string): boolean {
  try {
    CronExpressionParser.parse(expression);
    return true;
  } catch {
    return false;
  }
}

export const updateCampaignInput = z.strictObject({
  type: campaignType,
  enabled: z.boolean().optional(),
  schedule: cronSchedule.optional(),
  offerType: z.enum(['none', 'discount_percent']).optional(),
  offerValue: z.number().int().min(0).max(100).optional(),
  windowDays: z.number().int().min(0).max(365).optional(),
  daysAhead: z.number().int().min(1).max(60).optional(),
  dailyCap: z.number().int().min(1).max(10_000).optional(),
  quietHoursStart: wallTime.optional(),
  quietHoursEnd: wallTime.optional(),
  frequencyCapDays: z.number().int().min(0).max(365).optional(),
});

/** What a run may narrow or override (the seed's `context`). */
export const campaignContextInput = z.strictObject({
  serviceId: id.optional(),
  professionalId: id.optional(),
  offerType: z.enum(['none', 'discount_percent']).optional(),
  offerValue: z.number().int().min(0).max(100).optional(),
  daysAhead: z.number().int().min(1).max(60).optional(),
});
export const runCampaignInput = z.strictObject({ type: campaignType, context: campaignContextInput.optional() });
export const listCampaignRunsInput = z
  .strictObject({ type: campaignType.optional(), limit: z.number().int().min(1).max(200).optional() })
  .default({});

export const listConversationsInput = z.strictObject({ limit: z.number().int().min(1).max(200).optional() }).default({});
export const listConversationMessagesInput = z.strictObject({ conversationId: id, limit: z.number().int().min(1).max(500).optional() });

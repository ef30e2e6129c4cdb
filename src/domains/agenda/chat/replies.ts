import { DateTime } from 'luxon';

/** Every message a campaign sends ends with this line: the client must always know how to stop them. */
export const OPT_OUT_HINT = 'Responda PARAR para não receber mais mensagens.';

export interface PricedService {
  name: string;
  durationMin: number;
  priceCents: number;
}

/** A concrete slot offered to the client; the professional is omitted from the text when unknown. */
export interface OfferedSlot {
  start: Date;
  professionalName: string | null;
}

/** A campaign's price cut; with the service's price the text also shows the final price. */
export interface OfferDiscount {
  percent: number;
  priceCents: number | null;
}

const currency = new Intl.NumberFormat('pt-BR', { style: 'currency', currency: 'BRL' });
const percentNumber = new Intl.NumberFormat('pt-BR', { maximumFractionDigits: 1 });
const conjunction = new Intl.ListFormat('pt-BR', { style: 'long', type: 'conjunction' });

/** 4500 → "R$ 45,00" (Intl puts a no-break space after "R$"; a plain one keeps templates predictable). */
export function formatPrice(cents: number): string {
  return currency.format(cents / 100).replace(/\u00a0/g, ' ');
}

/** 30 → "30 min", 60 → "1h", 90 → "1h30". */
export function formatDuration(minutes: number): string {
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (hours === 0) return `${rest} min`;
  return rest === 0 ? `${hours}h` : `${hours}h${String(rest).padStart(2, '0')}`;
}

/** "sexta-feira, 11/12 às 10:00", on the wall clock of the tenant's zone. */
export function formatSlotTime(start: Date, timeZone: string): string {
  return DateTime.fromJSDate(start, { zone: timeZone }).setLocale('pt-BR').toFormat("cccc, dd/MM 'às' HH:mm");
}

/** "na sexta-feira, 11/12 às 10:00" but "no sábado, 12/12 às 10:00": Saturday and Sunday are masculine. */
export function formatSlotWithPreposition(start: Date, timeZone: string): string {
  const weekday = DateTime.fromJSDate(start, { zone: timeZone }).weekday;
  return `${weekday >= 6 ? 'no' : 'na'} ${formatSlotTime(start, timeZone)}`;
}

/** "ANA PAULA souza" → "Ana"; null when there is no usable name. */
export function firstNameOf(fullName: string | null | undefined): string | null {
  const first = fullName?.trim().split(/\s+/)[0];
  if (!first || !/\p{L}/u.test(first)) return null;
  return first.charAt(0).toLocaleUpperCase('pt-BR') + first.slice(1).toLocaleLowerCase('pt-BR');
}

function hello(clientName: string | null | undefined): string {
  const firstName = firstNameOf(clientName);
  return firstName ? `Oi ${firstName}!` : 'Oi!';
}

function withProfessional(professionalName: string | null): string {
  return professionalName ? ` com ${professionalName}` : '';
}

/** ", com 15% de desconto (de R$ 45,00 por R$ 38,25)", or '' without a discount. */
function offerText(discount: OfferDiscount | null): string {
  if (!discount || discount.percent <= 0) return '';
  const cut = `, com ${percentNumber.format(discount.percent)}% de desconto`;
  if (discount.priceCents === null) return cut;
  const finalCents = Math.round((discount.priceCents * (100 - discount.percent)) / 100);
  return `${cut} (de ${formatPrice(discount.priceCents)} por ${formatPrice(finalCents)})`;
}

/** Appends the opt-out line to a campaign message unless it already ends with it. */
export function withOptOutHint(text: string): string {
  const trimmed = text.trimEnd();
  return trimmed.endsWith(OPT_OUT_HINT) ? trimmed : `${trimmed}\n${OPT_OUT_HINT}`;
}

// ---------------------------------------------------------------------------------------------
// Answers in the chat.

export function greetingReply(input: { clientName: string | null; businessName: string | null }): string {
  const from = input.businessName ? ` Você está falando com ${input.businessName}.` : '';
  return `${hello(input.clientName)} Tudo bem?${from} Posso agendar um horário para você ou informar nossos serviços e preços. Como posso ajudar?`;
}

/** Answer to an inquiry: every service with its price and duration. */
export function servicesReply(input: { services: PricedService[] }): string {
  if (input.services.length === 0) return 'No momento não tenho a lista de serviços por aqui. Alguém da equipe vai te responder em breve.';
  const lines = input.services.map(
    (service) => `• ${service.name}: ${formatPrice(service.priceCents)} (${formatDuration(service.durationMin)})`,
  );
  return ['Nossos serviços:', ...lines, 'Quer agendar? É só me dizer o serviço, o dia e o horário.'].join('\n');
}

export function complaintReply(input: { clientName: string | null }): string {
  const firstName = firstNameOf(input.clientName);
  return `Sinto muito pelo ocorrido${firstName ? `, ${firstName}` : ''}. Peço desculpas! Já avisei a equipe e uma pessoa vai entrar em contato com você em breve.`;
}

export function unknownReply(): string {
  return 'Desculpe, não entendi. Posso agendar um horário para você ou informar nossos serviços e preços. É só me dizer!';
}

export function optOutReply(): string {
  return 'Pronto, você não receberá mais mensagens automáticas. Se quiser agendar algo, é só mandar uma mensagem aqui.';
}

// ---------------------------------------------------------------------------------------------
// The booking flow.

export function askServiceReply(input: { services: Array<{ name: string }> }): string {
  if (input.services.length === 0) return 'Claro! Qual serviço você quer agendar?';
  return `Claro! Qual serviço você quer agendar? Temos ${conjunction.format(input.services.map((service) => service.name))}.`;
}

export function askDateReply(input: { serviceName: string | null }): string {
  const what = input.serviceName ? ` ${input.serviceName}` : '';
  return `Para quando você quer agendar${what}? Me diga o dia e o horário (por exemplo: amanhã às 10h).`;
}

/** The proposal is recorded and waits for the owner's approval. */
export function proposalPendingReply(input: {
  serviceName: string;
  professionalName: string | null;
  start: Date;
  timeZone: string;
  discount: OfferDiscount | null;
}): string {
  const when = formatSlotWithPreposition(input.start, input.timeZone);
  return (
    `Anotei seu pedido: ${input.serviceName}${withProfessional(input.professionalName)} ${when}${offerText(input.discount)}. ` +
    'Vou confirmar com a equipe e te aviso assim que for aprovado.'
  );
}

/** The asked slot is taken: up to three alternatives, numbered so the client can answer with a digit. */
export function slotTakenReply(input: { alternatives: OfferedSlot[]; timeZone: string }): string {
  const options = input.alternatives.slice(0, 3);
  if (options.length === 0) return 'Esse horário não está disponível e não encontrei outro perto dele. Quer tentar outro dia?';
  const lines = options.map(
    (slot, index) => `${index + 1}) ${formatSlotTime(slot.start, input.timeZone)}${withProfessional(slot.professionalName)}`,
  );
  const intro =
    options.length === 1 ? 'Esse horário não está disponível. Tenho esta opção:' : 'Esse horário não está disponível. Tenho estas opções:';
  const question =
    options.length === 1
      ? 'Serve para você? Ou me diga outro horário.'
      : 'Qual fica melhor? Responda com o número ou me diga outro horário.';
  return [intro, ...lines, question].join('\n');
}

export function noAvailabilityReply(input: { days: number }): string {
  const horizon = input.days <= 1 ? 'para amanhã' : `nos próximos ${input.days} dias`;
  return `Poxa, não encontrei horários livres ${horizon}. Vou pedir para alguém da equipe falar com você para encontrarmos um encaixe.`;
}

// ---------------------------------------------------------------------------------------------
// Notifications the system sends later.

export function bookingApprovedMessage(input: {
  clientName: string | null;
  serviceName: string;
  professionalName: string | null;
  start: Date;
  timeZone: string;
}): string {
  const when = formatSlotWithPreposition(input.start, input.timeZone);
  return `${hello(input.clientName)} Seu horário está confirmado: ${input.serviceName}${withProfessional(input.professionalName)} ${when}. Até lá!`;
}

export function bookingRejectedMessage(input: { clientName: string | null; serviceName: string; start: Date; timeZone: string }): string {
  const when = formatSlotWithPreposition(input.start, input.timeZone);
  return (
    `${hello(input.clientName)} Infelizmente não conseguimos confirmar ${input.serviceName} ${when}. ` +
    'Quer escolher outro horário? É só me dizer o dia e o horário que prefere.'
  );
}

// ---------------------------------------------------------------------------------------------
// Campaign offers: each ends with OPT_OUT_HINT.

/** Prazo Certo: the client's usual return cycle has passed, so offer a slot for the same service. */
export function prazoCertoOffer(input: {
  clientName: string | null;
  serviceName: string;
  slot: OfferedSlot;
  timeZone: string;
  discount: OfferDiscount | null;
}): string {
  const when = formatSlotWithPreposition(input.slot.start, input.timeZone);
  return withOptOutHint(
    `${hello(input.clientName)} Já faz um tempo desde seu último atendimento de ${input.serviceName}. ` +
      `Temos um horário ${when}${withProfessional(input.slot.professionalName)}${offerText(input.discount)}. Responda SIM para confirmar.`,
  );
}

/** Encher Agenda: a free slot that would otherwise stay empty, offered with its discount. */
export function encherAgendaOffer(input: {
  clientName: string | null;
  serviceName: string | null;
  slot: OfferedSlot;
  timeZone: string;
  discount: OfferDiscount | null;
}): string {
  const when = formatSlotWithPreposition(input.slot.start, input.timeZone);
  const service = input.serviceName ? ` para ${input.serviceName}` : '';
  return withOptOutHint(
    `${hello(input.clientName)} Abriu um horário ${when}${service}${withProfessional(input.slot.professionalName)}${offerText(input.discount)}. ` +
      'Quer aproveitar? Responda SIM para reservar.',
  );
}

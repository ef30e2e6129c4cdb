import { DateTime } from 'luxon';
import type { ChatCatalogue, ChatIntent, ChatUnderstanding, DayPeriod, UnderstandingContext } from './understanding';

/**
 * Rule-based understanding of a client's WhatsApp message (pt-BR), for tenants without an LLM key.
 * Pure and deterministic: the same message, `now`, zone and catalogue always give the same answer.
 */
export function understandOffline(message: string, context: UnderstandingContext): ChatUnderstanding {
  const today = DateTime.fromJSDate(context.now, { zone: context.timeZone }).startOf('day');
  if (!today.isValid) throw new RangeError(`Invalid time zone: ${context.timeZone}`);

  const clauses = clausesOf(message);
  const text = clauses.join(' ');
  const professional = findProfessional(text, context.catalogue.professionals);
  const service = findService(text, professional?.words ?? [], context.catalogue.services);
  const schedule = readSchedule(clauses, today);
  const inquiry = INQUIRY.test(text);
  const bookingLike = isBookingRequest(text, inquiry, schedule, service.mentioned, professional);

  const optOut =
    OPT_OUT_ANYWHERE.test(text) ||
    OPT_OUT_WHOLE_MESSAGE.test(text) ||
    (OPT_OUT_FIRST_WORD.test(text) && !bookingLike && !schedule.anyMention && !service.mentioned);

  const intent: ChatIntent = COMPLAINT.test(text)
    ? 'complaint'
    : bookingLike
      ? 'booking'
      : inquiry
        ? 'inquiry'
        : HELLO.test(text)
          ? 'hello'
          : 'unknown';

  return {
    intent,
    optOut,
    booking:
      intent === 'booking'
        ? { serviceId: service.id, professionalId: professional?.id ?? null, date: schedule.date, time: schedule.time, period: schedule.period }
        : null,
  };
}

/** An explicit ask for a slot, a date or time on its own ("dia 15 às 14:30"), or "quero" + a service or professional. */
function isBookingRequest(
  text: string,
  inquiry: boolean,
  schedule: Schedule,
  serviceMentioned: boolean,
  professional: { afterCom: boolean } | null,
): boolean {
  if (STRONG_BOOKING.test(text)) return true;
  // "Vocês abrem sábado?" names a day but asks about opening hours; "quanto fica amanhã às 10?" still wants that slot.
  if (schedule.mentioned && (!inquiry || (schedule.timeMentioned && !OPENING_HOURS.test(text)))) return true;
  if (inquiry || THANKS.test(text) || (!serviceMentioned && professional === null)) return false;
  // A short answer such as "Manicure" or "com a Carol" carries on a booking conversation.
  return WANTS.test(text) || professional?.afterCom === true || wordCount(text) <= 4;
}

// ---------------------------------------------------------------------------------------------
// Intent vocabulary. Every pattern runs on folded text: lowercase ASCII, no accents or punctuation.

/** One whole-word pattern out of alternatives, so the lists below read as vocabulary rather than regex. */
function anyOf(alternatives: string[]): RegExp {
  return new RegExp(`\\b(?:${alternatives.join('|')})\\b`);
}

const COMPLAINT = anyOf(
  [
    'reclam\\w*', 'pessim\\w*', 'horrive(?:l|is)', 'terrive(?:l|is)', 'lixo', 'vergonha\\w*', 'absurdo', 'descaso', 'desrespeit\\w*',
    'falta de respeito', 'insatisfeit\\w*', 'decepcion\\w*', 'nao gostei', 'odiei', 'detestei', 'estrag(?:ou|aram|ado|ada)', 'queim(?:ou|aram)',
    'atras(?:ou|aram|am)', 'sempre atrasad\\w*', 'muito atraso', 'que atraso', 'esperei', 'fiquei esperando',
    'esperando (?:ha|faz|mais de|muito|ate agora|\\d+ ?min\\w*|\\d+ ?horas?)', 'demor(?:ou|aram)', 'muita demora', 'que demora',
    'cobr\\w* (?:errad[oa]|a mais|mais caro|duas vezes|dobrado|indevid\\w*)', 'cobranca (?:errada|indevida|a mais)', 'mal atendid\\w*',
    'mal? educad\\w*', 'grosseir\\w*', 'ninguem (?:me )?(?:atende|atendeu|responde|respondeu)', 'nao (?:me )?(?:atenderam|responderam|respondem)',
    'procon', 'pior (?:atendimento|servico|experiencia|lugar|salao)', '(?:muito|ficou|atendimento|servico|trabalho) ruim',
  ]);

const STRONG_BOOKING = anyOf(
  [
    'agend\\w*', 'reagend\\w*', 'remarc\\w*', 'marcar', 'marco', 'marque', 'marquei', 'marcamos', 'marcacao', '(?:me )?marca (?:um|uma|pra|para|pro|ai|amanha|hoje)',
    'reserv\\w*', 'encaix\\w*', 'tem (?:um )?(?:horario|hora|vaga)s?', '(?:um|algum|outro|proximo) horario', 'horarios? (?:livres?|vagos?|disponive\\w*|pra|para|com|hoje|amanha|no|na)',
    'vagas?', 'disponibilidade', 'disponive\\w*', 'tem como (?:fazer|ir|atender|encaixar|marcar)', 'me atende(?:m|r|ria)?', 'consigo (?:ir|fazer|horario|vaga|marcar)',
    'da pra (?:ir|fazer|atender|marcar|encaixar)',
  ]);

const OPENING_HOURS = /\b(?:abre|abrem|aberto|abertos|aberta|fecha|fecham|funciona|funcionam|funcionamento|horarios? de (?:atendimento|funcionamento|voces))\b/;

const INQUIRY = anyOf(
  [
    'precos?', 'qto', 'qnto', 'quanto (?:custa|custam|e|eh|fica|ficam|sai|saem|ta|esta|cobra|cobram|vale)', 'custa', 'custam', 'valor(?:es)?', 'tabela', 'orcamento',
    'endereco', 'onde (?:fica|ficam|e|eh|voces|esta|estao)', 'localizacao', 'como (?:chego|chegar|faco pra chegar)', 'estacionamento', 'ponto de referencia',
    'abre', 'abrem', 'aberto', 'abertos', 'aberta', 'fecha', 'fecham', 'funciona', 'funcionam', 'funcionamento', 'horarios? de (?:atendimento|funcionamento|voces)',
    'atendem (?:aos|no|nos|de|em|sabado|domingo|feriado)', 'servicos?', 'o que voces fazem', 'voces fazem', 'fazem', 'trabalham com',
    'aceita\\w*', 'cartao', 'pix', 'credito', 'debito', 'dinheiro', 'parcel\\w*', 'pagamento', 'boleto',
    'quanto tempo', 'quanto demora', 'demora quanto', 'duracao', 'informac\\w*', 'duvida',
  ]);

const HELLO = /\b(?:oi+e?|ola+|opa|bom dia|boa tarde|boa noite|e ai|eai|eae|tudo bem|tudo bom|td bem|tudo certo|tudo joia|hey|hello|salve|alo)\b/;
const WANTS = /\b(?:quero|queria|quer|gostaria|preciso|precisava|posso|podia|poderia|pode|da pra|dava pra|tem como|consigo|conseguiria|vou querer|fazer|faco|fazia)\b/;
const THANKS = /\b(?:obrigad[oa]|valeu|agradec\w*)\b/;

const OPT_OUT_ANYWHERE = anyOf(
  [
    'descadastr\\w*', 'unsubscribe', 'cancelar (?:as |o |os )?(?:mensagens|mensagem|envios?|inscricao|notificac\\w*)',
    '(?:me )?(?:tira|tirem|tire|tirar|remove|remova|removam|remover|exclui|exclua|excluam|excluir)(?: me| o meu numero| meu numero| meu contato)? d(?:a|essa|esta) lista',
    'sair da lista', 'nao (?:quero|desejo|gostaria de) (?:mais )?receber', 'nao (?:me )?(?:mande|mandem|envie|enviem|manda) mais',
    '(?:para|pare|parem|parar) de (?:me )?(?:mandar|enviar|mandarem)', 'chega de mensage\\w*',
  ]);
/** "PARAR", "Sair!", "stop por favor": the whole message is the opt-out keyword. */
const OPT_OUT_WHOLE_MESSAGE = /^(?:parar|pare|para|sair|stop|chega|descadastrar|remover)(?: (?:por favor|pfv|pf|pfvr|obrigad[oa]|ja|agora))*$/;
/** "Parar de receber isso": the keyword opens the message; only counts when nothing in it is booking-like. */
const OPT_OUT_FIRST_WORD = /^(?:parar|pare|sair|stop)\b/;

// ---------------------------------------------------------------------------------------------
// Folding the message into clauses.

const NUMBER_WORDS: Readonly<Record<string, number>> = { uma: 1, duas: 2, tres: 3, quatro: 4, cinco: 5, seis: 6, sete: 7, oito: 8, nove: 9, dez: 10, onze: 11, doze: 12 };
const NUMBER_WORD = Object.keys(NUMBER_WORDS).join('|');
/** "às duas" is an hour only when what follows cannot be a noun ("as duas mãos" is not 14:00). */
const SPOKEN_HOUR_AFTER_PREPOSITION = new RegExp(
  `\\b(as|das|pelas|pras|ate as) (${NUMBER_WORD})(?= *(?:\\||$|h\\b|horas?\\b|e meia\\b|da\\b|de\\b|com\\b|ou\\b|hoje\\b|amanha\\b|pode\\b|ta\\b|esta\\b|pra\\b|para\\b|no\\b|na\\b))`,
  'g',
);
const SPOKEN_HOUR_BEFORE_QUALIFIER = new RegExp(`\\b(${NUMBER_WORD}) (?=horas?\\b|e meia\\b|da (?:manha|tarde|noite)\\b)`, 'g');
/** Words that open a new thought, so "hoje não posso, só amanhã" keeps "hoje" and "amanhã" apart. */
const CONTRAST_WORDS = / (?=(?:mas|porem|so|somente|apenas|entao|prefiro|melhor|ou)\b)/g;

/** "Sábado 2ª" → "sabado 2a": compatibility decomposition also turns ordinal indicators into letters. */
function withoutAccents(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}

/** Lowercase ASCII words separated by single spaces: "Ana Paula Souza" → "ana paula souza". */
function foldText(text: string): string {
  return withoutAccents(text).replace(/[^a-z0-9]+/g, ' ').trim();
}

/** Folded clauses of a message, keeping '10:30' and '15/12' intact and spelling spoken hours as digits. */
function clausesOf(message: string): string[] {
  const folded = withoutAccents(message)
    .replace(/\ba['’‘`´]s\b/g, 'as')
    .replace(/[,;!?\n]|\.(?!\d)|(?<!\d)\./g, ' | ')
    .replace(/(?<!\d)[:/]|[:/](?!\d)/g, ' ')
    .replace(/[^a-z0-9:/|]+/g, ' ')
    .replace(/([a-z])\1{2,}/g, '$1')
    .replace(/([a-z]{2,})(\d)/g, '$1 $2')
    .replace(/ +/g, ' ')
    .replace(SPOKEN_HOUR_AFTER_PREPOSITION, (_match, preposition: string, word: string) => `${preposition} ${NUMBER_WORDS[word] ?? word}`)
    .replace(SPOKEN_HOUR_BEFORE_QUALIFIER, (_match, word: string) => `${NUMBER_WORDS[word] ?? word} `)
    .replace(CONTRAST_WORDS, ' | ');
  return folded
    .split('|')
    .map((clause) => clause.replace(/ +/g, ' ').trim())
    .filter((clause) => clause.length > 0);
}

function wordCount(text: string): number {
  return text.split(' ').filter(Boolean).length;
}

// ---------------------------------------------------------------------------------------------
// Dates, times and periods.

interface Mention<T> {
  value: T;
  clause: number;
  start: number;
  end: number;
}

interface Schedule {
  date: string | null;
  time: string | null;
  period: DayPeriod | null;
  /** A date, time or period the client asked for (even a refused one), as opposed to one that only explains their day. */
  mentioned: boolean;
  timeMentioned: boolean;
  /** Any date, time or period at all, even "saio do trabalho às 18h". */
  anyMention: boolean;
}

const MONTHS: Readonly<Record<string, number>> = {
  janeiro: 1, jan: 1, fevereiro: 2, fev: 2, marco: 3, mar: 3, abril: 4, abr: 4, maio: 5, mai: 5, junho: 6, jun: 6,
  julho: 7, jul: 7, agosto: 8, ago: 8, setembro: 9, set: 9, outubro: 10, out: 10, novembro: 11, nov: 11, dezembro: 12, dez: 12,
};
/** Luxon weekdays: 1 = Monday … 7 = Sunday. */
const WEEKDAYS: Readonly<Record<string, number>> = { segunda: 1, terca: 2, quarta: 3, quinta: 4, sexta: 5, sabado: 6, domingo: 7 };

const NUMERIC_DATE = /\b(\d{1,2})\/(\d{1,2})(?:\/(\d{4}|\d{2}))?\b/g;
const NAMED_MONTH_DATE = new RegExp(`\\b(\\d{1,2})o? (?:de )?(${Object.keys(MONTHS).join('|')})\\b(?: (?:de )?(\\d{4})\\b)?`, 'g');
const DAY_OF_MONTH = /\bdia (\d{1,2})\b/g;
const DAY_AFTER_TOMORROW = /\b(?:depois|dps) de amanha\b/g;
const TOMORROW = /\bamanha\b/g;
const TODAY = /\b(?:hoje|hj)\b/g;
const WEEKDAY_NAME = /\b(segunda|terca|quarta|quinta|sexta|sabado|domingo)(?: feira)?\b(?! (?:vez|opcao|chance|via)\b)/g;
const WEEKDAY_NUMBER = /\b([2-6]) ?a feira\b/g;
const NEXT_WEEK = /\b(?:semana que vem|proxima semana)\b/;

const NOON = /\bmeio dia(?: e meia)?\b/g;
const CLOCK = new RegExp(
  [
    '\\b(?:(as|das|pelas|pras|para as|ate as|a partir das|depois das|antes das) )?',
    '(\\d{1,2})(?!\\d)',
    '(?::(\\d{2})|( ?(?:horas|hora|hrs|hr|hs|h)(?![a-z]))(?: ?(\\d{2})(?: ?min\\w*)?(?![\\d/:]))?)?',
    '(?: e (meia|\\d{2})(?![\\d/:])(?! ?(?:horas?|hrs?|hs|h)(?![a-z])))?',
    '(?: (?:da|de|pela|a) (manha|madrugada|tarde|noite))?',
    '(?![\\d/:])',
  ].join(''),
  'g',
);

const PERIODS: ReadonlyArray<readonly [DayPeriod, RegExp]> = [
  ['morning', /\bmanha(?:zinha)?\b|\bcedinho\b/g],
  ['afternoon', /\b(?:de|pela|a|na|da|fim da|final da|parte da|periodo da|inicio da|comeco da) tarde\b|\btardinha\b/g],
  ['evening', /\b(?:de|pela|a|na|da|parte da|periodo da) noite\b|\bnoitinha\b/g],
];

/** A clause that refuses what it names: "hoje não posso", "não dá às 10". */
const REFUSAL = /\b(?:nao|nem) (?:posso|consigo|da|dara|vai dar|vou poder|vou conseguir|rola|vai rolar|tenho como|vou estar|estou|estarei|poderei|conseguirei|serve|quero)\b|\bimpossivel\b|\bfica dificil\b/;
const RESCHEDULE = /\b(?:remarc|reagend|mudar|muda|trocar|troca|transferir)\w*/;
/** Words before a time that describe the client's own day ("saio do trabalho às 18h"), not the slot they want. */
const OWN_ROUTINE = /\b(?:sair|saio|saindo|saida|largo|largar|trabalho|trabalhar|trabalhando|aula|expediente|busco|buscar|reuniao)\b/;

function readSchedule(clauses: string[], today: DateTime): Schedule {
  const text = clauses.join(' ');
  const masked = [...clauses];
  const mentionsToday = /\b(?:hoje|hj)\b/.test(text);
  const nextWeek = NEXT_WEEK.test(text);
  const iso = (date: DateTime | null) => (date ? date.toFormat('yyyy-MM-dd') : null);

  const dates = [
    ...takeAll(masked, NUMERIC_DATE, (match) => iso(resolveDayMonth(Number(match[1]), Number(match[2]), yearOf(match[3]), today))),
    ...takeAll(masked, NAMED_MONTH_DATE, (match) => iso(resolveDayMonth(Number(match[1]), MONTHS[match[2] ?? ''] ?? 0, yearOf(match[3]), today))),
    ...takeAll(masked, DAY_OF_MONTH, (match) => iso(resolveDayOfMonth(Number(match[1]), today))),
    ...takeAll(masked, DAY_AFTER_TOMORROW, () => iso(today.plus({ days: 2 }))),
    ...takeAll(masked, TOMORROW, () => iso(today.plus({ days: 1 }))),
    ...takeAll(masked, TODAY, () => iso(today)),
    ...takeAll(masked, WEEKDAY_NAME, (match) => iso(resolveWeekday(WEEKDAYS[match[1] ?? ''] ?? 0, today, mentionsToday, nextWeek))),
    ...takeAll(masked, WEEKDAY_NUMBER, (match) => iso(resolveWeekday(Number(match[1]) - 1, today, mentionsToday, nextWeek))),
  ];

  const rescheduling = RESCHEDULE.test(text);
  const isWanted = (mention: Mention<unknown>) =>
    !isOwnRoutine(mention, clauses) && !isRefused(mention, clauses) && !(rescheduling && isBeforeDestination(mention, clauses));
  // The earliest mention the client asks for: "amanhã ou sexta" → amanhã, "hoje não dá, amanhã" → amanhã.
  const firstWanted = <T>(mentions: Array<Mention<T>>): T | null =>
    mentions.filter(isWanted).sort((a, b) => a.clause - b.clause || a.start - b.start)[0]?.value ?? null;

  const periods = PERIODS.flatMap(([period, pattern]) => takeAll([...clauses], pattern, () => period));
  const period = firstWanted(periods);

  const times = [
    ...takeAll(masked, NOON, (match) => (match[0].endsWith('meia') ? '12:30' : '12:00')),
    ...takeAll(masked, CLOCK, (match) => clockOf(match, period)),
  ];

  const asked = (mentions: Array<Mention<unknown>>) => mentions.some((mention) => !isOwnRoutine(mention, clauses));
  return {
    date: firstWanted(dates),
    time: firstWanted(times),
    period,
    mentioned: asked(dates) || asked(times) || asked(periods),
    timeMentioned: asked(times),
    anyMention: dates.length + times.length + periods.length > 0,
  };
}

/** Every match of `pattern` that `read` accepts; blanks it out of `clauses` (in place) so a later pattern cannot read it again. */
function takeAll<T>(clauses: string[], pattern: RegExp, read: (match: RegExpExecArray) => T | null): Array<Mention<T>> {
  const found: Array<Mention<T>> = [];
  clauses.forEach((clause, index) => {
    let blanked = clause;
    for (const match of clause.matchAll(pattern)) {
      const value = read(match);
      if (value === null) continue;
      const end = match.index + match[0].length;
      found.push({ value, clause: index, start: match.index, end });
      blanked = blanked.slice(0, match.index) + ' '.repeat(match[0].length) + blanked.slice(end);
    }
    clauses[index] = blanked;
  });
  return found;
}

function isOwnRoutine(mention: Mention<unknown>, clauses: string[]): boolean {
  return OWN_ROUTINE.test((clauses[mention.clause] ?? '').slice(0, mention.start));
}

function isRefused(mention: Mention<unknown>, clauses: string[]): boolean {
  const clause = clauses[mention.clause] ?? '';
  return REFUSAL.test(clause) || /^ nao\b/.test(clause.slice(mention.end));
}

/** When rescheduling, "de sexta 10h para sábado": what comes before "para" is the appointment being moved. */
function isBeforeDestination(mention: Mention<unknown>, clauses: string[]): boolean {
  const destination = /\b(?:para|pra|pro)\b/.exec(clauses[mention.clause] ?? '');
  return destination !== null && mention.end <= destination.index;
}

function yearOf(text: string | undefined): number | null {
  if (!text) return null;
  const year = Number(text);
  return text.length === 2 ? 2000 + year : year;
}

/** "15/12" is the next 15/12 from today (this year, or next if it has passed); an explicit year is kept as written. */
function resolveDayMonth(day: number, month: number, year: number | null, today: DateTime): DateTime | null {
  const on = (candidateYear: number) => DateTime.fromObject({ year: candidateYear, month, day }, { zone: today.zone });
  if (year !== null) {
    const explicit = on(year);
    return explicit.isValid ? explicit : null;
  }
  const thisYear = on(today.year);
  if (thisYear.isValid && thisYear >= today) return thisYear;
  const nextYear = on(today.year + 1);
  return nextYear.isValid ? nextYear : null;
}

/** "dia 15" is this month's 15th unless it has passed; a month without that day is skipped ("dia 31" in November → 31/12). */
function resolveDayOfMonth(day: number, today: DateTime): DateTime | null {
  for (let monthsAhead = 0; monthsAhead <= 12; monthsAhead += 1) {
    const month = today.startOf('month').plus({ months: monthsAhead });
    const candidate = DateTime.fromObject({ year: month.year, month: month.month, day }, { zone: today.zone });
    if (candidate.isValid && candidate >= today) return candidate;
  }
  return null;
}

/** "sexta" is the next Friday strictly after today; "hoje, sexta" is today; "sexta da semana que vem" is in next calendar week. */
function resolveWeekday(weekday: number, today: DateTime, mentionsToday: boolean, nextWeek: boolean): DateTime | null {
  if (weekday < 1 || weekday > 7) return null;
  if (nextWeek) return today.startOf('week').plus({ weeks: 1, days: weekday - 1 });
  if (mentionsToday && weekday === today.weekday) return today;
  const daysAhead = (weekday - today.weekday + 7) % 7 || 7;
  return today.plus({ days: daysAhead });
}

/**
 * 'HH:MM' of one clock match, or null when it is a bare number ("40 minutos") or impossible.
 * A bare 1–7 means the afternoon, as Brazilians say "às 3"; a zero-padded "07:00" is taken literally.
 */
function clockOf(match: RegExpExecArray, period: DayPeriod | null): string | null {
  const [, preposition, hourText = '', colonMinutes, hourSuffix, suffixMinutes, spokenMinutes, qualifier] = match;
  if (!preposition && !colonMinutes && !hourSuffix && !qualifier && spokenMinutes !== 'meia') return null;
  let hour = Number(hourText);
  const minute = spokenMinutes === 'meia' ? 30 : Number(colonMinutes ?? suffixMinutes ?? spokenMinutes ?? 0);
  if (hour > 23 || minute > 59) return null;

  if (qualifier === 'tarde' || qualifier === 'noite') {
    if (hour === 12 && qualifier === 'noite') return null; // midnight: no salon books it, so it is more likely a typo
    if (hour < 12) hour += 12;
  } else if (qualifier === 'manha' || qualifier === 'madrugada') {
    if (hour >= 12) return null;
  } else if (!hourText.startsWith('0') && hour >= 1 && hour < 12) {
    const afternoonHour = period === 'evening' || (period === 'afternoon' && hour <= 7) || (period === null && hour <= 7);
    if (afternoonHour) hour += 12;
  }
  if (hour > 23) return null;
  return `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
}

// ---------------------------------------------------------------------------------------------
// Catalogue matching.

const NAME_STOPWORDS = new Set(['de', 'do', 'da', 'dos', 'das', 'e', 'com', 'a', 'o', 'as', 'os', 'em', 'no', 'na', 'para', 'pra', 'por', 'ou', 'um', 'uma']);
/** Words that qualify a service but cannot pick one alone: "cabelo" must not choose "Corte de cabelo" for "hidratar o cabelo". */
const GENERIC_WORDS = new Set([
  'cabelo', 'fio', 'pele', 'rosto', 'corpo', 'feminino', 'feminina', 'masculino', 'masculina', 'infantil', 'kid', 'adulto',
  'simples', 'completo', 'completa', 'tradicional', 'basico', 'basica', 'tratamento', 'sessao', 'servico',
]);
/** Names of the business itself, which look like services by their stems ("barbearia" ~ "barba"). */
const BUSINESS_WORDS = new Set(['barbearia', 'barbeiro', 'salao', 'clinica', 'studio', 'estudio', 'espaco']);
/** Everyday words for a service that share no stem with its catalogue name. */
const SYNONYM_GROUPS: ReadonlyArray<readonly string[]> = [
  ['manicure', 'unha', 'mao', 'esmaltacao', 'esmalte', 'esmaltar'],
  ['pedicure', 'pe', 'pes', 'pezinho'],
  ['barba', 'barbear', 'bigode'],
  ['corte', 'cortar', 'aparar'],
  ['coloracao', 'colorir', 'tintura', 'tingir', 'pintar', 'tinta'],
  ['depilacao', 'depilar', 'cera'],
  ['sobrancelha', 'design'],
  ['escova', 'escovar', 'escovinha'],
  ['hidratacao', 'hidratar'],
  ['limpeza', 'limpar'],
  ['alisamento', 'alisar'],
];

function singular(word: string): string {
  if (word.length > 4 && word.endsWith('oes')) return `${word.slice(0, -3)}ao`;
  return word.length > 3 && word.endsWith('s') ? word.slice(0, -1) : word;
}

/** Same stem: "corte" ~ "cortar", "escova" ~ "escovar", but not "escova" ~ "escolher" nor "pedi" ~ "pedicure". */
function sameStem(a: string, b: string): boolean {
  if (a === b) return true;
  const shorter = Math.min(a.length, b.length);
  if (shorter < 4) return false;
  let common = 0;
  while (common < shorter && a[common] === b[common]) common += 1;
  return common >= Math.max(4, shorter - 1) && Math.max(a.length, b.length) - common <= 3;
}

function synonymGroupsOf(word: string): number[] {
  return SYNONYM_GROUPS.flatMap((group, index) => (group.some((member) => sameStem(member, word)) ? [index] : []));
}

function wordsMatch(messageWord: string, nameWord: string): boolean {
  if (sameStem(messageWord, nameWord)) return true;
  const nameGroups = synonymGroupsOf(nameWord);
  return synonymGroupsOf(messageWord).some((group) => nameGroups.includes(group));
}

/** The best-matching service; `mentioned` stays true on a tie, which still means the client talked about a service. */
function findService(text: string, professionalWords: string[], services: ChatCatalogue['services']): { id: string | null; mentioned: boolean } {
  const messageWords = text
    .split(' ')
    .filter((word) => /^[a-z]{2,}$/.test(word) && !NAME_STOPWORDS.has(word) && !BUSINESS_WORDS.has(word) && !professionalWords.includes(word))
    .map(singular);
  let best: { id: string; matched: number; coverage: number } | null = null;
  let tied = false;
  for (const service of services) {
    const nameWords = [...new Set(foldText(service.name).split(' ').filter((word) => word.length > 0 && !NAME_STOPWORDS.has(word)).map(singular))];
    const matched = nameWords.filter((nameWord) => messageWords.some((messageWord) => wordsMatch(messageWord, nameWord)));
    const hasSpecificWord = nameWords.some((word) => !GENERIC_WORDS.has(word));
    if (matched.length === 0 || (hasSpecificWord && matched.every((word) => GENERIC_WORDS.has(word)))) continue;
    const candidate = { id: service.id, matched: matched.length, coverage: matched.length / nameWords.length };
    const order = best ? candidate.matched - best.matched || candidate.coverage - best.coverage : 1;
    if (order > 0) {
      best = candidate;
      tied = false;
    } else if (order === 0) {
      tied = true;
    }
  }
  return { id: best && !tied ? best.id : null, mentioned: best !== null };
}

/**
 * The professional named in the message: the longest leading part of their name ("Ana Paula" beats "Ana"),
 * else a nickname that starts their first name ("Carol" for "Carolina"); "com a <name>" breaks ties.
 */
function findProfessional(text: string, professionals: ChatCatalogue['professionals']): { id: string; words: string[]; afterCom: boolean } | null {
  const padded = ` ${text} `;
  const messageWords = text.split(' ');
  let best: { id: string; words: string[]; afterCom: boolean; score: number } | null = null;
  let tied = false;
  for (const professional of professionals) {
    const nameWords = foldText(professional.name).split(' ').filter((word) => word.length > 0);
    const firstName = nameWords[0];
    if (!firstName) continue;
    let words: string[] = [];
    let score = 0;
    for (let length = nameWords.length; length >= 1 && score === 0; length -= 1) {
      const phrase = nameWords.slice(0, length);
      if (padded.includes(` ${phrase.join(' ')} `)) {
        words = phrase;
        score = length * 2;
      }
    }
    const nickname = score === 0 ? messageWords.find((word) => word.length >= 4 && word !== firstName && firstName.startsWith(word)) : undefined;
    if (nickname) {
      words = [nickname];
      score = 1;
    }
    if (score === 0) continue;
    const afterCom = new RegExp(`\\bcom (?:a |o )?${words.join(' ')}\\b`).test(text);
    const candidate = { id: professional.id, words, afterCom, score: score + (afterCom ? 0.5 : 0) };
    if (!best || candidate.score > best.score) {
      best = candidate;
      tied = false;
    } else if (candidate.score === best.score) {
      tied = true;
    }
  }
  return best && !tied ? { id: best.id, words: best.words, afterCom: best.afterCom } : null;
}

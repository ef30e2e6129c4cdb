import { DateTime } from 'luxon';
import type { DayPeriod } from './understanding';

/**
 * Dates, times and periods in a client's folded clauses ("sexta à tarde", "dia 15 às 14:30",
 * "amanhã às 10h"), relative to today in the tenant's zone: which one the client asks for, leaving
 * out the ones they refuse, the ones that describe their own day and the appointment being moved.
 */

interface Mention<T> {
  value: T;
  clause: number;
  start: number;
  end: number;
}

export interface Schedule {
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
  janeiro: 1,
  jan: 1,
  fevereiro: 2,
  fev: 2,
  marco: 3,
  mar: 3,
  abril: 4,
  abr: 4,
  maio: 5,
  mai: 5,
  junho: 6,
  jun: 6,
  julho: 7,
  jul: 7,
  agosto: 8,
  ago: 8,
  setembro: 9,
  set: 9,
  outubro: 10,
  out: 10,
  novembro: 11,
  nov: 11,
  dezembro: 12,
  dez: 12,
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
const REFUSAL =
  /\b(?:nao|nem) (?:posso|consigo|da|dara|vai dar|vou poder|vou conseguir|rola|vai rolar|tenho como|vou estar|estou|estarei|poderei|conseguirei|serve|quero)\b|\bimpossivel\b|\bfica dificil\b/;
const RESCHEDULE = /\b(?:remarc|reagend|mudar|muda|trocar|troca|transferir)\w*/;
/** Words before a time that describe the client's own day ("saio do trabalho às 18h"), not the slot they want. */
const OWN_ROUTINE = /\b(?:sair|saio|saindo|saida|largo|largar|trabalho|trabalhar|trabalhando|aula|expediente|busco|buscar|reuniao)\b/;

export function readSchedule(clauses: string[], today: DateTime): Schedule {
  const text = clauses.join(' ');
  const masked = [...clauses];
  const mentionsToday = /\b(?:hoje|hj)\b/.test(text);
  const nextWeek = NEXT_WEEK.test(text);
  const iso = (date: DateTime | null) => (date ? date.toFormat('yyyy-MM-dd') : null);

  const dates = [
    ...takeAll(masked, NUMERIC_DATE, (match) => iso(resolveDayMonth(Number(match[1]), Number(match[2]), yearOf(match[3]), today))),
    ...takeAll(masked, NAMED_MONTH_DATE, (match) =>
      iso(resolveDayMonth(Number(match[1]), MONTHS[match[2] ?? ''] ?? 0, yearOf(match[3]), today)),
    ),
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

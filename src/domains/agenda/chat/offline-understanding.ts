import { DateTime } from 'luxon';
import { readSchedule, type Schedule } from './schedule-reading';
import type { ChatCatalogue, ChatIntent, ChatUnderstanding, UnderstandingContext } from './understanding';

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
        ? {
            serviceId: service.id,
            professionalId: professional?.id ?? null,
            date: schedule.date,
            time: schedule.time,
            period: schedule.period,
          }
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

const COMPLAINT = anyOf([
  'reclam\\w*',
  'pessim\\w*',
  'horrive(?:l|is)',
  'terrive(?:l|is)',
  'lixo',
  'vergonha\\w*',
  'absurdo',
  'descaso',
  'desrespeit\\w*',
  'falta de respeito',
  'insatisfeit\\w*',
  'decepcion\\w*',
  'nao gostei',
  'odiei',
  'detestei',
  'estrag(?:ou|aram|ado|ada)',
  'queim(?:ou|aram)',
  'atras(?:ou|aram|am)',
  'sempre atrasad\\w*',
  'muito atraso',
  'que atraso',
  'esperei',
  'fiquei esperando',
  'esperando (?:ha|faz|mais de|muito|ate agora|\\d+ ?min\\w*|\\d+ ?horas?)',
  'demor(?:ou|aram)',
  'muita demora',
  'que demora',
  'cobr\\w* (?:errad[oa]|a mais|mais caro|duas vezes|dobrado|indevid\\w*)',
  'cobranca (?:errada|indevida|a mais)',
  'mal atendid\\w*',
  'mal? educad\\w*',
  'grosseir\\w*',
  'ninguem (?:me )?(?:atende|atendeu|responde|respondeu)',
  'nao (?:me )?(?:atenderam|responderam|respondem)',
  'procon',
  'pior (?:atendimento|servico|experiencia|lugar|salao)',
  '(?:muito|ficou|atendimento|servico|trabalho) ruim',
]);

const STRONG_BOOKING = anyOf([
  'agend\\w*',
  'reagend\\w*',
  'remarc\\w*',
  'marcar',
  'marco',
  'marque',
  'marquei',
  'marcamos',
  'marcacao',
  '(?:me )?marca (?:um|uma|pra|para|pro|ai|amanha|hoje)',
  'reserv\\w*',
  'encaix\\w*',
  'tem (?:um )?(?:horario|hora|vaga)s?',
  '(?:um|algum|outro|proximo) horario',
  'horarios? (?:livres?|vagos?|disponive\\w*|pra|para|com|hoje|amanha|no|na)',
  'vagas?',
  'disponibilidade',
  'disponive\\w*',
  'tem como (?:fazer|ir|atender|encaixar|marcar)',
  'me atende(?:m|r|ria)?',
  'consigo (?:ir|fazer|horario|vaga|marcar)',
  'da pra (?:ir|fazer|atender|marcar|encaixar)',
]);

const OPENING_HOURS =
  /\b(?:abre|abrem|aberto|abertos|aberta|fecha|fecham|funciona|funcionam|funcionamento|horarios? de (?:atendimento|funcionamento|voces))\b/;

const INQUIRY = anyOf([
  'precos?',
  'qto',
  'qnto',
  'quanto (?:custa|custam|e|eh|fica|ficam|sai|saem|ta|esta|cobra|cobram|vale)',
  'custa',
  'custam',
  'valor(?:es)?',
  'tabela',
  'orcamento',
  'endereco',
  'onde (?:fica|ficam|e|eh|voces|esta|estao)',
  'localizacao',
  'como (?:chego|chegar|faco pra chegar)',
  'estacionamento',
  'ponto de referencia',
  'abre',
  'abrem',
  'aberto',
  'abertos',
  'aberta',
  'fecha',
  'fecham',
  'funciona',
  'funcionam',
  'funcionamento',
  'horarios? de (?:atendimento|funcionamento|voces)',
  'atendem (?:aos|no|nos|de|em|sabado|domingo|feriado)',
  'servicos?',
  'o que voces fazem',
  'voces fazem',
  'fazem',
  'trabalham com',
  'aceita\\w*',
  'cartao',
  'pix',
  'credito',
  'debito',
  'dinheiro',
  'parcel\\w*',
  'pagamento',
  'boleto',
  'quanto tempo',
  'quanto demora',
  'demora quanto',
  'duracao',
  'informac\\w*',
  'duvida',
]);

const HELLO =
  /\b(?:oi+e?|ola+|opa|bom dia|boa tarde|boa noite|e ai|eai|eae|tudo bem|tudo bom|td bem|tudo certo|tudo joia|hey|hello|salve|alo)\b/;
const WANTS =
  /\b(?:quero|queria|quer|gostaria|preciso|precisava|posso|podia|poderia|pode|da pra|dava pra|tem como|consigo|conseguiria|vou querer|fazer|faco|fazia)\b/;
const THANKS = /\b(?:obrigad[oa]|valeu|agradec\w*)\b/;

const OPT_OUT_ANYWHERE = anyOf([
  'descadastr\\w*',
  'unsubscribe',
  'cancelar (?:as |o |os )?(?:mensagens|mensagem|envios?|inscricao|notificac\\w*)',
  '(?:me )?(?:tira|tirem|tire|tirar|remove|remova|removam|remover|exclui|exclua|excluam|excluir)(?: me| o meu numero| meu numero| meu contato)? d(?:a|essa|esta) lista',
  'sair da lista',
  'nao (?:quero|desejo|gostaria de) (?:mais )?receber',
  'nao (?:me )?(?:mande|mandem|envie|enviem|manda) mais',
  '(?:para|pare|parem|parar) de (?:me )?(?:mandar|enviar|mandarem)',
  'chega de mensage\\w*',
]);
/** "PARAR", "Sair!", "stop por favor": the whole message is the opt-out keyword. */
const OPT_OUT_WHOLE_MESSAGE =
  /^(?:parar|pare|para|sair|stop|chega|descadastrar|remover)(?: (?:por favor|pfv|pf|pfvr|obrigad[oa]|ja|agora))*$/;
/** "Parar de receber isso": the keyword opens the message; only counts when nothing in it is booking-like. */
const OPT_OUT_FIRST_WORD = /^(?:parar|pare|sair|stop)\b/;

// ---------------------------------------------------------------------------------------------
// Folding the message into clauses.

const NUMBER_WORDS: Readonly<Record<string, number>> = {
  uma: 1,
  duas: 2,
  tres: 3,
  quatro: 4,
  cinco: 5,
  seis: 6,
  sete: 7,
  oito: 8,
  nove: 9,
  dez: 10,
  onze: 11,
  doze: 12,
};
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
  return withoutAccents(text)
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
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
// Catalogue matching.

const NAME_STOPWORDS = new Set([
  'de',
  'do',
  'da',
  'dos',
  'das',
  'e',
  'com',
  'a',
  'o',
  'as',
  'os',
  'em',
  'no',
  'na',
  'para',
  'pra',
  'por',
  'ou',
  'um',
  'uma',
]);
/** Words that qualify a service but cannot pick one alone: "cabelo" must not choose "Corte de cabelo" for "hidratar o cabelo". */
const GENERIC_WORDS = new Set([
  'cabelo',
  'fio',
  'pele',
  'rosto',
  'corpo',
  'feminino',
  'feminina',
  'masculino',
  'masculina',
  'infantil',
  'kid',
  'adulto',
  'simples',
  'completo',
  'completa',
  'tradicional',
  'basico',
  'basica',
  'tratamento',
  'sessao',
  'servico',
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
function findService(
  text: string,
  professionalWords: string[],
  services: ChatCatalogue['services'],
): { id: string | null; mentioned: boolean } {
  const messageWords = text
    .split(' ')
    .filter(
      (word) => /^[a-z]{2,}$/.test(word) && !NAME_STOPWORDS.has(word) && !BUSINESS_WORDS.has(word) && !professionalWords.includes(word),
    )
    .map(singular);
  let best: { id: string; matched: number; coverage: number } | null = null;
  let tied = false;
  for (const service of services) {
    const nameWords = [
      ...new Set(
        foldText(service.name)
          .split(' ')
          .filter((word) => word.length > 0 && !NAME_STOPWORDS.has(word))
          .map(singular),
      ),
    ];
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
function findProfessional(
  text: string,
  professionals: ChatCatalogue['professionals'],
): { id: string; words: string[]; afterCom: boolean } | null {
  const padded = ` ${text} `;
  const messageWords = text.split(' ');
  let best: { id: string; words: string[]; afterCom: boolean; score: number } | null = null;
  let tied = false;
  for (const professional of professionals) {
    const nameWords = foldText(professional.name)
      .split(' ')
      .filter((word) => word.length > 0);
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
    const nickname =
      score === 0 ? messageWords.find((word) => word.length >= 4 && word !== firstName && firstName.startsWith(word)) : undefined;
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

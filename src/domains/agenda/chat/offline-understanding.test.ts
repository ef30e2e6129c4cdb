import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { understandOffline } from './offline-understanding';
import type { ChatCatalogue, ChatUnderstanding, UnderstandingContext } from './understanding';
import { chatUnderstandingSchema } from './understanding';

const catalogue: ChatCatalogue = {
  services: [
    { id: 'svc-corte', name: 'Corte de cabelo', durationMin: 30, priceCents: 4500 },
    { id: 'svc-manicure', name: 'Manicure', durationMin: 45, priceCents: 3000 },
    { id: 'svc-barba', name: 'Barba', durationMin: 20, priceCents: 2500 },
    { id: 'svc-escova', name: 'Escova', durationMin: 40, priceCents: 5000 },
  ],
  professionals: [
    { id: 'pro-carol', name: 'Carol Souza' },
    { id: 'pro-bruno', name: 'Bruno Lima' },
    { id: 'pro-ana', name: 'Ana Paula' },
  ],
};

/** Wednesday 2026-12-09, 10:00 in São Paulo. */
const context: UnderstandingContext = { now: new Date('2026-12-09T13:00:00Z'), timeZone: 'America/Sao_Paulo', catalogue };

function understand(message: string, at: UnderstandingContext = context): ChatUnderstanding {
  const understanding = understandOffline(message, at);
  // Whatever the parser says must be exactly what an LLM would be held to.
  expect(chatUnderstandingSchema.parse(understanding)).toEqual(understanding);
  return understanding;
}

function booking(message: string, at: UnderstandingContext = context) {
  const understanding = understand(message, at);
  expect(understanding.intent).toBe('booking');
  return understanding.booking;
}

describe('understandOffline: booking requests', () => {
  it('reads service, relative date and hour', () => {
    expect(understand('quero cortar o cabelo amanhã às 10h')).toEqual({
      intent: 'booking',
      optOut: false,
      booking: { serviceId: 'svc-corte', professionalId: null, date: '2026-12-10', time: '10:00', period: null },
    });
  });

  it('takes "<day> à tarde com <professional>" as a booking without a verb', () => {
    expect(booking('sexta à tarde com a Carol')).toEqual({
      serviceId: null,
      professionalId: 'pro-carol',
      date: '2026-12-11',
      time: null,
      period: 'afternoon',
    });
  });

  it('maps everyday words to the catalogue ("fazer as unhas" → Manicure) and keeps a period without time', () => {
    expect(booking('tem horário pra fazer as unhas sábado de manhã?')).toEqual({
      serviceId: 'svc-manicure',
      professionalId: null,
      date: '2026-12-12',
      time: null,
      period: 'morning',
    });
  });

  it('reads "dia 15 às 14:30"', () => {
    expect(booking('dia 15 às 14:30')).toMatchObject({ date: '2026-12-15', time: '14:30' });
  });

  it('rolls a past day/month into next year and reads "as 3 da tarde"', () => {
    expect(booking('15/01 as 3 da tarde')).toMatchObject({ date: '2027-01-15', time: '15:00', period: 'afternoon' });
  });

  it('is booking when a price question comes with a request for a slot', () => {
    expect(booking('Quanto custa o corte? Tem horário amanhã?')).toMatchObject({ serviceId: 'svc-corte', date: '2026-12-10' });
  });

  it('ignores a time that describes the client’s own day and is not an opt-out', () => {
    const understanding = understand('Quero sair às 18h, tem horário às 17h?');
    expect(understanding.optOut).toBe(false);
    expect(understanding.booking).toMatchObject({ time: '17:00' });
  });

  it('reads text typed without accents, "a\'s" and a first name in lower case', () => {
    expect(booking("quero marcar escova sabado a's 3 com a carol")).toEqual({
      serviceId: 'svc-escova',
      professionalId: 'pro-carol',
      date: '2026-12-12',
      time: '15:00',
      period: null,
    });
    expect(booking('quero cortar o cabelo amanha as 10h')).toMatchObject({ serviceId: 'svc-corte', date: '2026-12-10', time: '10:00' });
  });

  it('lets a greeting precede the request', () => {
    expect(booking('Boa tarde! 😊 Queria agendar uma manicure com a Ana Paula')).toMatchObject({
      serviceId: 'svc-manicure',
      professionalId: 'pro-ana',
    });
  });

  it('understands squeeze-ins and rescheduling', () => {
    expect(booking('consigo encaixe hoje?')).toMatchObject({ date: '2026-12-09' });
    expect(booking('preciso remarcar para quinta')).toMatchObject({ date: '2026-12-10' });
    // The appointment being moved comes before "para"; the wanted one after it.
    expect(booking('queria remarcar de sexta 10h pra sábado 14h')).toMatchObject({ date: '2026-12-12', time: '14:00' });
  });

  it('keeps a time the client proposes after describing their day', () => {
    expect(booking('Tô saindo do trabalho, chego aí às 19h, dá pra encaixar?')).toMatchObject({ time: '19:00' });
    expect(booking('não posso às 10, pode às 11?')).toMatchObject({ time: '11:00' });
  });

  it('takes a bare service or "com <professional>" as an answer in a booking conversation', () => {
    expect(booking('Manicure')).toMatchObject({ serviceId: 'svc-manicure' });
    expect(booking('com o Bruno')).toMatchObject({ professionalId: 'pro-bruno' });
  });
});

describe('understandOffline: dates', () => {
  it.each([
    ['hoje', '2026-12-09'],
    ['amanhã', '2026-12-10'],
    ['depois de amanhã', '2026-12-11'],
    ['segunda-feira', '2026-12-14'],
    ['terça', '2026-12-15'],
    ['quarta', '2026-12-16'], // today is Wednesday: a bare weekday means the next one
    ['domingo', '2026-12-13'],
    ['2ª feira', '2026-12-14'],
    ['próxima sexta', '2026-12-11'],
    ['sexta que vem', '2026-12-11'],
    ['sexta da semana que vem', '2026-12-18'],
    ['dia 9', '2026-12-09'],
    ['dia 8', '2027-01-08'],
    ['15/12', '2026-12-15'],
    ['15/12/2027', '2027-12-15'],
    ['20 de janeiro', '2027-01-20'],
    ['1º de março', '2027-03-01'],
  ])('"%s" → %s', (message, date) => {
    expect(booking(message)?.date).toBe(date);
  });

  it('takes "hoje" together with today’s weekday as today', () => {
    const friday: UnderstandingContext = { ...context, now: new Date('2026-12-11T13:00:00Z') };
    expect(booking('hoje sexta tem vaga?', friday)?.date).toBe('2026-12-11');
    expect(booking('sexta tem vaga?', friday)?.date).toBe('2026-12-18');
  });

  it('counts days in the tenant’s zone, not in UTC', () => {
    // 01:30 UTC on Thursday is still Wednesday 22:30 in São Paulo.
    const lateEvening: UnderstandingContext = { ...context, now: new Date('2026-12-10T01:30:00Z') };
    expect(booking('amanhã às 10h', lateEvening)?.date).toBe('2026-12-10');
  });

  it('skips a day the client refuses', () => {
    expect(booking('hoje não posso, só amanhã 10h30')).toMatchObject({ date: '2026-12-10', time: '10:30' });
  });
});

describe('understandOffline: times and periods', () => {
  it.each([
    ['amanhã 10:30', '10:30'],
    ['amanhã 10h30', '10:30'],
    ['amanhã às 9', '09:00'],
    ['amanhã às 3', '15:00'],
    ['pode ser às 7?', '19:00'],
    ['de manhã às 7', '07:00'],
    ['amanhã 07:30', '07:30'],
    ['amanhã às 3 da manhã', '03:00'],
    ['amanhã às duas da tarde', '14:00'],
    ['hoje à noite às 8', '20:00'],
    ['amanhã meio-dia', '12:00'],
    ['amanhã às 10 e meia', '10:30'],
    ['amanhã 10h ou 11h', '10:00'],
  ])('"%s" → %s', (message, time) => {
    expect(booking(message)?.time).toBe(time);
  });

  it.each([
    ['amanhã pela manhã', 'morning'],
    ['amanhã de tarde', 'afternoon'],
    ['hoje à noite', 'evening'],
  ] as const)('"%s" → %s', (message, period) => {
    expect(booking(message)).toMatchObject({ period, time: null });
  });

  it('does not read a greeting as a period', () => {
    expect(booking('Boa tarde, tem vaga amanhã?')).toMatchObject({ period: null, date: '2026-12-10' });
  });
});

describe('understandOffline: catalogue matching', () => {
  it.each([
    ['quero fazer a barba', 'svc-barba'],
    ['queria uma escova', 'svc-escova'],
    ['quero marcar um corte', 'svc-corte'],
    ['quero fazer a mão amanhã', 'svc-manicure'],
  ])('"%s" → %s', (message, serviceId) => {
    expect(booking(message)?.serviceId).toBe(serviceId);
  });

  it('leaves the service empty on a tie it cannot break', () => {
    const twoCuts: UnderstandingContext = {
      ...context,
      catalogue: {
        ...catalogue,
        services: [
          { id: 'feminino', name: 'Corte feminino', durationMin: 40, priceCents: 6000 },
          { id: 'masculino', name: 'Corte masculino', durationMin: 30, priceCents: 4000 },
        ],
      },
    };
    expect(booking('quero cortar amanhã', twoCuts)?.serviceId).toBeNull();
    expect(booking('quero um corte masculino amanhã', twoCuts)?.serviceId).toBe('masculino');
  });

  it('does not take a generic word or a professional’s name as a service', () => {
    const withBarbara: UnderstandingContext = {
      ...context,
      catalogue: { ...catalogue, professionals: [...catalogue.professionals, { id: 'pro-barbara', name: 'Bárbara Reis' }] },
    };
    expect(booking('amanhã às 10 com a Bárbara', withBarbara)).toMatchObject({ serviceId: null, professionalId: 'pro-barbara' });
    expect(booking('quero hidratar o cabelo amanhã')?.serviceId).toBeNull();
  });

  it('leaves the professional empty when a first name is shared', () => {
    const twoAnas: UnderstandingContext = {
      ...context,
      catalogue: { ...catalogue, professionals: [...catalogue.professionals, { id: 'pro-ana-lu', name: 'Ana Luiza' }] },
    };
    expect(booking('amanhã às 10 com a Ana', twoAnas)?.professionalId).toBeNull();
    expect(booking('amanhã às 10 com a Ana Luiza', twoAnas)?.professionalId).toBe('pro-ana-lu');
  });
});

describe('understandOffline: other intents', () => {
  it.each([
    ['quanto custa a barba?', 'inquiry'],
    ['Vocês abrem sábado?', 'inquiry'],
    ['Aceita pix?', 'inquiry'],
    ['qual o endereço de vcs?', 'inquiry'],
    ['Quais serviços vocês fazem?', 'inquiry'],
    ['Oi, bom dia!', 'hello'],
    ['oiii tudo bem?', 'hello'],
    ['esperei 40 minutos, péssimo atendimento', 'complaint'],
    ['Não gostei do corte, ficou horrível', 'complaint'],
    ['cobraram errado no cartão', 'complaint'],
    ['obrigada!', 'unknown'],
    ['O corte ficou ótimo, obrigada Carol!', 'unknown'],
    ['👍', 'unknown'],
  ] as const)('"%s" → %s', (message, intent) => {
    expect(understand(message)).toEqual({ intent, optOut: false, booking: null });
  });

  it('puts complaint before booking', () => {
    expect(understand('a Carol atrasou 1 hora ontem, quero remarcar').intent).toBe('complaint');
  });
});

describe('understandOffline: opt-out', () => {
  it.each([
    'PARAR',
    'Sair',
    'stop',
    'Parar de mandar',
    'CANCELAR MENSAGENS',
    'não quero mais receber mensagens',
    'me tira da lista',
    'quero me descadastrar',
  ])('"%s" is an opt-out', (message) => {
    expect(understand(message)).toMatchObject({ optOut: true, intent: 'unknown' });
  });

  it('is not an opt-out when "sair" belongs to a booking sentence', () => {
    expect(understand('Sair do trabalho às 18h, tem horário depois?')).toMatchObject({ optOut: false, intent: 'booking' });
  });
});

describe('chatUnderstandingSchema', () => {
  it('converts to JSON Schema for structured-output APIs', () => {
    const schema = z.toJSONSchema(chatUnderstandingSchema);
    expect(schema).toMatchObject({ type: 'object', required: ['intent', 'optOut', 'booking'] });
  });

  it('rejects an invalid time', () => {
    const invalid = {
      intent: 'booking',
      optOut: false,
      booking: { serviceId: null, professionalId: null, date: null, time: '24:00', period: null },
    };
    expect(chatUnderstandingSchema.safeParse(invalid).success).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import {
  OPT_OUT_HINT,
  askDateReply,
  askServiceReply,
  bookingApprovedMessage,
  bookingRejectedMessage,
  complaintReply,
  encherAgendaOffer,
  firstNameOf,
  formatDuration,
  formatPrice,
  formatSlotTime,
  formatSlotWithPreposition,
  greetingReply,
  noAvailabilityReply,
  optOutReply,
  prazoCertoOffer,
  proposalPendingReply,
  servicesReply,
  slotTakenReply,
  unknownReply,
  withOptOutHint,
} from './replies';

const timeZone = 'America/Sao_Paulo';
/** Friday 2026-12-11, 10:00 in São Paulo. */
const friday10 = new Date('2026-12-11T13:00:00Z');
/** Saturday 2026-12-12, 14:30 in São Paulo. */
const saturday1430 = new Date('2026-12-12T17:30:00Z');

/** WhatsApp renders *, _ and ~ as formatting; the agent writes plain text. */
function expectPlainText(text: string): void {
  expect(text).not.toMatch(/[*_~`#]/);
}

describe('formatting', () => {
  it('formats cents as Brazilian reais', () => {
    expect(formatPrice(4500)).toBe('R$ 45,00');
    expect(formatPrice(123456)).toBe('R$ 1.234,56');
    expect(formatPrice(0)).toBe('R$ 0,00');
  });

  it('formats durations', () => {
    expect(formatDuration(30)).toBe('30 min');
    expect(formatDuration(60)).toBe('1h');
    expect(formatDuration(90)).toBe('1h30');
    expect(formatDuration(125)).toBe('2h05');
  });

  it('formats a slot on the tenant’s wall clock', () => {
    expect(formatSlotTime(friday10, timeZone)).toBe('sexta-feira, 11/12 às 10:00');
    // 01:00 UTC on Saturday is still Friday 22:00 in São Paulo.
    expect(formatSlotTime(new Date('2026-12-12T01:00:00Z'), timeZone)).toBe('sexta-feira, 11/12 às 22:00');
    expect(formatSlotTime(friday10, 'Pacific/Auckland')).toBe('sábado, 12/12 às 02:00');
  });

  it('uses the right preposition for the weekday', () => {
    expect(formatSlotWithPreposition(friday10, timeZone)).toBe('na sexta-feira, 11/12 às 10:00');
    expect(formatSlotWithPreposition(saturday1430, timeZone)).toBe('no sábado, 12/12 às 14:30');
  });

  it('takes a tidy first name', () => {
    expect(firstNameOf('ANA PAULA Souza')).toBe('Ana');
    expect(firstNameOf('  joão ')).toBe('João');
    expect(firstNameOf('')).toBeNull();
    expect(firstNameOf(null)).toBeNull();
    expect(firstNameOf('+55 11 99999-0000')).toBeNull();
  });
});

describe('chat replies', () => {
  it('greets by first name when known', () => {
    const greeting = greetingReply({ clientName: 'Ana Paula', businessName: 'Studio Bela' });
    expect(greeting).toMatch(/^Oi Ana! /);
    expect(greeting).toContain('Studio Bela');
    expect(greetingReply({ clientName: null, businessName: null })).toMatch(/^Oi! /);
  });

  it('lists services with prices and durations', () => {
    const reply = servicesReply({
      services: [
        { name: 'Corte de cabelo', durationMin: 30, priceCents: 4500 },
        { name: 'Escova', durationMin: 90, priceCents: 5000 },
      ],
    });
    expect(reply).toContain('Corte de cabelo: R$ 45,00 (30 min)');
    expect(reply).toContain('Escova: R$ 50,00 (1h30)');
    expectPlainText(reply);
    expect(servicesReply({ services: [] })).toContain('equipe');
  });

  it('apologises for a complaint and promises a person', () => {
    const reply = complaintReply({ clientName: 'Ana' });
    expect(reply).toContain('Sinto muito');
    expect(reply).toContain('Ana');
    expect(reply).toMatch(/pessoa .*entrar em contato/);
  });

  it('offers booking and prices when it did not understand', () => {
    expect(unknownReply()).toMatch(/agendar/);
    expect(unknownReply()).toMatch(/preços/);
  });

  it('confirms an opt-out', () => {
    expect(optOutReply()).toMatch(/^Pronto, você não receberá mais mensagens automáticas/);
  });
});

describe('booking flow replies', () => {
  it('asks for the service, listing names', () => {
    expect(askServiceReply({ services: [{ name: 'Corte de cabelo' }, { name: 'Manicure' }, { name: 'Barba' }] })).toContain(
      'Corte de cabelo, Manicure e Barba',
    );
  });

  it('asks for the day', () => {
    expect(askDateReply({ serviceName: 'Manicure' })).toMatch(/^Para quando você quer agendar Manicure\?/);
    expect(askDateReply({ serviceName: null })).toMatch(/^Para quando você quer agendar\?/);
  });

  it('describes a proposal awaiting approval, with its offer', () => {
    const reply = proposalPendingReply({
      serviceName: 'Corte de cabelo',
      professionalName: 'Carol',
      start: friday10,
      timeZone,
      discount: { percent: 15, priceCents: null },
    });
    expect(reply).toContain('Corte de cabelo com Carol na sexta-feira, 11/12 às 10:00, com 15% de desconto.');
    expect(reply).toMatch(/confirmar com a equipe/);
    expect(proposalPendingReply({ serviceName: 'Barba', professionalName: null, start: saturday1430, timeZone, discount: null })).toContain(
      'Barba no sábado, 12/12 às 14:30.',
    );
  });

  it('offers at most three alternatives when the slot is taken', () => {
    const alternatives = [0, 1, 2, 3].map((hour) => ({
      start: new Date(friday10.getTime() + hour * 3_600_000),
      professionalName: hour === 0 ? 'Bruno' : null,
    }));
    const reply = slotTakenReply({ alternatives, timeZone });
    expect(reply).toContain('1) sexta-feira, 11/12 às 10:00 com Bruno');
    expect(reply).toContain('2) sexta-feira, 11/12 às 11:00\n');
    expect(reply).toContain('3) sexta-feira, 11/12 às 12:00');
    expect(reply).not.toContain('13:00');
    expect(slotTakenReply({ alternatives: [], timeZone })).toMatch(/outro dia/);
  });

  it('says when there is nothing free', () => {
    expect(noAvailabilityReply({ days: 7 })).toContain('nos próximos 7 dias');
    expect(noAvailabilityReply({ days: 7 })).toContain('equipe');
  });
});

describe('system notifications', () => {
  it('confirms an approved booking', () => {
    const message = bookingApprovedMessage({
      clientName: 'Ana',
      serviceName: 'Escova',
      professionalName: 'Carol',
      start: friday10,
      timeZone,
    });
    expect(message).toBe('Oi Ana! Seu horário está confirmado: Escova com Carol na sexta-feira, 11/12 às 10:00. Até lá!');
  });

  it('invites to choose another time after a rejection', () => {
    const message = bookingRejectedMessage({ clientName: 'Ana', serviceName: 'Escova', start: saturday1430, timeZone });
    expect(message).toContain('não conseguimos confirmar Escova no sábado, 12/12 às 14:30');
    expect(message).toMatch(/outro horário/);
  });
});

describe('campaign offers', () => {
  it('Prazo Certo names the last service, the slot and the discount, then the opt-out hint', () => {
    const message = prazoCertoOffer({
      clientName: 'Ana Souza',
      serviceName: 'Corte de cabelo',
      slot: { start: friday10, professionalName: 'Carol' },
      timeZone,
      discount: { percent: 15, priceCents: 4500 },
    });
    expect(message).toMatch(/^Oi Ana! Já faz um tempo desde seu último atendimento de Corte de cabelo\./);
    expect(message).toContain('na sexta-feira, 11/12 às 10:00 com Carol, com 15% de desconto (de R$ 45,00 por R$ 38,25)');
    expect(message).toContain('Responda SIM para confirmar');
    expect(message.endsWith(OPT_OUT_HINT)).toBe(true);
    expectPlainText(message);
  });

  it('Encher Agenda offers the free slot with its discount, then the opt-out hint', () => {
    const message = encherAgendaOffer({
      clientName: null,
      serviceName: 'Escova',
      slot: { start: saturday1430, professionalName: null },
      timeZone,
      discount: { percent: 12.5, priceCents: null },
    });
    expect(message).toContain('Oi! Abriu um horário no sábado, 12/12 às 14:30 para Escova, com 12,5% de desconto.');
    expect(message.endsWith(OPT_OUT_HINT)).toBe(true);
  });

  it('leaves the offer out without a discount, and still ends with the hint', () => {
    const message = encherAgendaOffer({
      clientName: 'Bia',
      serviceName: null,
      slot: { start: friday10, professionalName: 'Bruno' },
      timeZone,
      discount: null,
    });
    expect(message).not.toContain('desconto');
    expect(message).toContain('na sexta-feira, 11/12 às 10:00 com Bruno.');
    expect(message.endsWith(OPT_OUT_HINT)).toBe(true);
  });

  it('adds the hint once', () => {
    expect(withOptOutHint('Promoção de Natal!')).toBe(`Promoção de Natal!\n${OPT_OUT_HINT}`);
    expect(withOptOutHint(withOptOutHint('Promoção de Natal!'))).toBe(`Promoção de Natal!\n${OPT_OUT_HINT}`);
  });
});

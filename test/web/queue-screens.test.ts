import { describe, expect, it } from 'vitest';
import { callAnnouncement, cardinalWords, deskLabel, spokenCode } from '../../web/src/features/queue-screens/announcement';
import { applyDisplayFrame, EMPTY_SCREEN, type DisplayCall } from '../../web/src/features/queue-screens/displayScreen';
import { choosePaper, ticketPrintLines } from '../../web/src/features/queue-screens/paper';
import { positionText, statusText, waitText } from '../../web/src/features/queue-screens/ticketText';
import type { DeviceStorage } from '../../web/src/lib/deviceSession';

const call = (ticketId: string, code: string, deskNumber: number | null = 1): DisplayCall => ({
  ticketId,
  code,
  serviceId: 'service',
  serviceName: 'Atendimento geral',
  deskName: deskNumber === null ? null : `Guichê ${deskNumber}`,
  deskNumber,
  calledAt: '2026-12-06T12:00:00.000Z',
  callCount: 1,
  priority: null,
});

function memoryStorage(): DeviceStorage & { items: Map<string, string> } {
  const items = new Map<string, string>();
  return {
    items,
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => void items.set(key, value),
    removeItem: (key) => void items.delete(key),
  };
}

describe('call announcement', () => {
  it('spells the code letter by letter and digit by digit, the desk number as a cardinal', () => {
    expect(callAnnouncement({ code: 'A-042', deskNumber: 3, deskName: 'Guichê 3' })).toBe('Senha A zero quatro dois, guichê três.');
    expect(callAnnouncement({ code: 'P-107', deskNumber: 12, deskName: null })).toBe('Senha P um zero sete, guichê doze.');
    expect(callAnnouncement({ code: 'AB-009', deskNumber: 21, deskName: null })).toBe('Senha A B zero zero nove, guichê vinte e um.');
  });

  it('names the desk when it has no number, and leaves it out when it has neither', () => {
    expect(callAnnouncement({ code: 'R-001', deskNumber: null, deskName: 'Sala de triagem' })).toBe(
      'Senha R zero zero um, Sala de triagem.',
    );
    expect(callAnnouncement({ code: 'R-001', deskNumber: null, deskName: null })).toBe('Senha R zero zero um.');
  });

  it('says 1 to 99 in pt-BR words', () => {
    expect([1, 2, 10, 14, 16, 19, 20, 30, 45, 99].map(cardinalWords)).toEqual([
      'um',
      'dois',
      'dez',
      'quatorze',
      'dezesseis',
      'dezenove',
      'vinte',
      'trinta',
      'quarenta e cinco',
      'noventa e nove',
    ]);
    expect(cardinalWords(150)).toBe('150');
    expect(spokenCode('a-1')).toBe('A um');
  });

  it('shows the desk as "Guichê N", or by name', () => {
    expect(deskLabel({ code: 'A-1', deskNumber: 3, deskName: 'Guichê três' })).toBe('Guichê 3');
    expect(deskLabel({ code: 'A-1', deskNumber: null, deskName: 'Triagem' })).toBe('Triagem');
  });
});

describe('display frames', () => {
  const state = {
    type: 'state' as const,
    unit: { id: 'unit', name: 'Unidade Centro' },
    current: call('t1', 'A-001'),
    recent: [],
    serverTime: '2026-12-06T12:00:00.000Z',
  };

  it('replaces the screen with a state frame, silently', () => {
    const { screen, announce } = applyDisplayFrame(EMPTY_SCREEN, state);
    expect(screen).toEqual({ unitName: 'Unidade Centro', current: state.current, recent: [] });
    expect(announce).toBeNull();
  });

  it('ignores a replayed call, and announces a new one, pushing the current into the history', () => {
    const shown = applyDisplayFrame(EMPTY_SCREEN, state).screen;
    expect(applyDisplayFrame(shown, { type: 'call', call: call('t0', 'A-000'), announce: false })).toEqual({
      screen: shown,
      announce: null,
    });
    const next = applyDisplayFrame(shown, { type: 'call', call: call('t2', 'A-002', 2), announce: true });
    expect(next.announce?.code).toBe('A-002');
    expect(next.screen.current?.code).toBe('A-002');
    expect(next.screen.recent.map((recent) => recent.code)).toEqual(['A-001']);
  });

  it('keeps one entry per ticket and five in the history', () => {
    let screen = applyDisplayFrame(EMPTY_SCREEN, state).screen;
    for (let index = 2; index <= 8; index += 1)
      screen = applyDisplayFrame(screen, { type: 'call', call: call(`t${index}`, `A-00${index}`), announce: true }).screen;
    expect(screen.recent.map((recent) => recent.code)).toEqual(['A-007', 'A-006', 'A-005', 'A-004', 'A-003']);
    // A recall of a ticket in the history brings it back to the top, not twice.
    const recalled = applyDisplayFrame(screen, { type: 'call', call: { ...call('t5', 'A-005'), callCount: 2 }, announce: true });
    expect(recalled.announce?.code).toBe('A-005');
    expect(recalled.screen.current?.code).toBe('A-005');
    expect(recalled.screen.recent.map((recent) => recent.code)).toEqual(['A-008', 'A-007', 'A-006', 'A-004', 'A-003']);
    // A recall of the current ticket announces it again without moving it into the history.
    const again = applyDisplayFrame(recalled.screen, { type: 'call', call: call('t5', 'A-005'), announce: true });
    expect(again.screen.recent).toEqual(recalled.screen.recent);
    expect(again.announce?.code).toBe('A-005');
  });
});

describe('ticket texts', () => {
  it('says the position, the wait and the status in words', () => {
    expect([positionText(1), positionText(3), positionText(0)]).toEqual(['Você é o próximo', 'Você é o 3º da fila', '']);
    expect([0, 1, 12, 60, 80].map(waitText)).toEqual([
      'menos de 1 minuto',
      'cerca de 1 minuto',
      'cerca de 12 minutos',
      'cerca de 1 h',
      'cerca de 1 h 20 min',
    ]);
    const desk = { deskNumber: 3, deskName: 'Guichê 3' };
    expect(statusText({ status: 'waiting', ...desk })).toBe('Aguardando');
    expect(statusText({ status: 'called', ...desk })).toBe('Chamada — dirija-se ao Guichê 3');
    expect(statusText({ status: 'called', deskNumber: null, deskName: 'Triagem' })).toBe('Chamada — dirija-se ao Triagem');
    expect(statusText({ status: 'in_service', ...desk })).toBe('Em atendimento');
    expect(statusText({ status: 'completed', ...desk })).toBe('Concluída');
    expect(statusText({ status: 'no_show', ...desk })).toBe('Não compareceu');
    expect(statusText({ status: 'cancelled', ...desk })).toBe('Cancelada');
  });
});

describe('kiosk print layout', () => {
  it('chooses the roll width from ?papel, remembers it, and defaults to 80 mm', () => {
    const storage = memoryStorage();
    expect(choosePaper('', storage)).toBe(80);
    expect(choosePaper('?papel=58', storage)).toBe(58);
    expect(choosePaper('', storage)).toBe(58);
    expect(choosePaper('?papel=99', storage)).toBe(58);
    expect(choosePaper('?papel=80', storage)).toBe(80);
    expect(choosePaper('', storage)).toBe(80);
    expect(choosePaper('?papel=58', null)).toBe(58);
  });

  it('prints the service, position, wait and time under the code', () => {
    const lines = ticketPrintLines({
      serviceName: 'Atendimento geral',
      priority: 'Idoso 60+',
      position: 3,
      estimatedWaitMin: 12,
      issuedAt: '2026-12-06T12:00:00.000Z',
    });
    expect(lines.slice(0, 3)).toEqual(['Atendimento geral — Idoso 60+', 'Você é o 3º da fila', 'Espera estimada: cerca de 12 minutos']);
    expect(lines[3]).toMatch(/^Emitida em 06\/12\/2026/);
    expect(
      ticketPrintLines({
        serviceName: 'Pagamentos',
        priority: null,
        position: 1,
        estimatedWaitMin: 0,
        issuedAt: '2026-12-06T12:00:00.000Z',
      })[0],
    ).toBe('Pagamentos');
  });
});

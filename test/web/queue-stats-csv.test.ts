import { describe, expect, it } from 'vitest';
import { csvField, statsToCsv } from '../../web/src/features/queue/stats/statsCsv';
import type { QueueStats } from '../../web/src/features/queue/types';

const stats: QueueStats = {
  unitId: 'u1',
  from: '2026-03-10T00:00:00-03:00',
  to: '2026-03-11T00:00:00-03:00',
  timeZone: 'America/Sao_Paulo',
  totals: {
    issued: 3,
    called: 2,
    completed: 1,
    noShow: 1,
    cancelled: 0,
    avgWaitSec: 90,
    p90WaitSec: 150,
    avgServiceSec: null,
    noShowRate: 0.5,
  },
  waitingNow: [{ serviceId: 's1', serviceName: 'Geral', prefix: 'A', waiting: 1 }],
  byService: [{ serviceId: 's1', serviceName: 'Atendimento, "geral"', issued: 3, completed: 1, avgWaitSec: 90, avgServiceSec: null }],
  byOperator: [{ operatorId: 'o1', operatorName: 'Carla\nSilva', called: 2, completed: 1, noShow: 1, avgServiceSec: 300 }],
  byHour: [{ hour: 9, issued: 3, avgWaitSec: 90 }],
};

describe('statsToCsv', () => {
  it('quotes only the fields that need it, doubling quotes', () => {
    expect(csvField('simples')).toBe('simples');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('diz "oi"')).toBe('"diz ""oi"""');
    expect(csvField('duas\nlinhas')).toBe('"duas\nlinhas"');
    expect(csvField(null)).toBe('');
    expect(csvField(1.5)).toBe('1.5');
  });

  it('writes the totals, by service, by operator and by hour as sections of one file', () => {
    const csv = statsToCsv(stats);
    const sections = csv.trimEnd().split('\r\n\r\n');
    expect(sections.map((section) => section.split('\r\n')[0])).toEqual([
      'Totais,2026-03-10T00:00:00-03:00 a 2026-03-11T00:00:00-03:00',
      'Por serviço',
      'Por operador',
      'Por hora',
    ]);
    expect(sections[0]).toContain('Espera média (min),1.5\r\n');
    expect(sections[0]).toContain('Atendimento médio (min),\r\n');
    expect(sections[0]).toContain('Não comparecimento (%),50');
    expect(sections[1]!.split('\r\n')[2]).toBe('"Atendimento, ""geral""",3,1,1.5,');
    expect(sections[2]!.split('\r\n').slice(2).join('\r\n')).toBe('"Carla\nSilva",2,1,1,5');
    expect(sections[3]!.split('\r\n')[2]).toBe('09h,3,1.5');
    expect(csv.endsWith('\r\n')).toBe(true);
  });
});

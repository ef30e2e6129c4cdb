import type { QueueStats } from '../types';

/** A CSV field: quoted when it holds a comma, a quote or a line break, with quotes doubled. */
export function csvField(value: string | number | null): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

const csvRow = (fields: ReadonlyArray<string | number | null>) => fields.map(csvField).join(',');

/** Seconds as minutes with one decimal (a dot, for spreadsheets in any locale); null stays empty. */
export const minutesOf = (seconds: number | null) => (seconds === null ? null : Math.round(seconds / 6) / 10);

/**
 * The statistics as one CSV file: a section per table (totals, by service, by operator, by hour),
 * each a title row, a header row and its rows, separated by a blank line.
 */
export function statsToCsv(stats: QueueStats): string {
  const { totals } = stats;
  const sections: Array<ReadonlyArray<ReadonlyArray<string | number | null>>> = [
    [
      ['Totais', `${stats.from} a ${stats.to}`],
      ['Indicador', 'Valor'],
      ['Emitidas', totals.issued],
      ['Chamadas', totals.called],
      ['Concluídas', totals.completed],
      ['Não compareceram', totals.noShow],
      ['Canceladas', totals.cancelled],
      ['Espera média (min)', minutesOf(totals.avgWaitSec)],
      ['Espera p90 (min)', minutesOf(totals.p90WaitSec)],
      ['Atendimento médio (min)', minutesOf(totals.avgServiceSec)],
      ['Não comparecimento (%)', totals.noShowRate === null ? null : Math.round(totals.noShowRate * 1000) / 10],
    ],
    [
      ['Por serviço'],
      ['Serviço', 'Emitidas', 'Concluídas', 'Espera média (min)', 'Atendimento médio (min)'],
      ...stats.byService.map((row) => [
        row.serviceName,
        row.issued,
        row.completed,
        minutesOf(row.avgWaitSec),
        minutesOf(row.avgServiceSec),
      ]),
    ],
    [
      ['Por operador'],
      ['Operador', 'Chamadas', 'Concluídas', 'Não compareceram', 'Atendimento médio (min)'],
      ...stats.byOperator.map((row) => [row.operatorName, row.called, row.completed, row.noShow, minutesOf(row.avgServiceSec)]),
    ],
    [
      ['Por hora'],
      ['Hora', 'Emitidas', 'Espera média (min)'],
      ...stats.byHour.map((row) => [`${String(row.hour).padStart(2, '0')}h`, row.issued, minutesOf(row.avgWaitSec)]),
    ],
  ];
  return `${sections.map((rows) => rows.map(csvRow).join('\r\n')).join('\r\n\r\n')}\r\n`;
}

/** Monday first, as the dashboard lists a week; numbered as the server does (0 = Sunday). */
export const WEEKDAYS = [
  { weekday: 1, label: 'Segunda', short: 'Seg' },
  { weekday: 2, label: 'Terça', short: 'Ter' },
  { weekday: 3, label: 'Quarta', short: 'Qua' },
  { weekday: 4, label: 'Quinta', short: 'Qui' },
  { weekday: 5, label: 'Sexta', short: 'Sex' },
  { weekday: 6, label: 'Sábado', short: 'Sáb' },
  { weekday: 0, label: 'Domingo', short: 'Dom' },
] as const;

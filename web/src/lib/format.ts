const dateTime = new Intl.DateTimeFormat('pt-BR', { dateStyle: 'short', timeStyle: 'medium' });
const timeOnly = new Intl.DateTimeFormat('pt-BR', { timeStyle: 'medium' });
const relative = new Intl.RelativeTimeFormat('pt-BR', { numeric: 'auto' });

export function formatDateTime(iso: string | null | undefined): string {
  return iso ? dateTime.format(new Date(iso)) : '—';
}

export function formatTime(iso: string): string {
  return timeOnly.format(new Date(iso));
}

/** "há 5 minutos", "ontem"… for last-use columns; falls back to the date after a month. */
export function formatRelative(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return 'nunca';
  const seconds = Math.round((Date.parse(iso) - now) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 60) return relative.format(seconds, 'second');
  if (abs < 3600) return relative.format(Math.round(seconds / 60), 'minute');
  if (abs < 86_400) return relative.format(Math.round(seconds / 3600), 'hour');
  if (abs < 30 * 86_400) return relative.format(Math.round(seconds / 86_400), 'day');
  return formatDateTime(iso);
}

export function formatDuration(ms: number | null): string {
  if (ms === null) return '—';
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1).replace('.', ',')} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** A compact `chave: valor` line for JSON blobs (audit diffs, job stats, event data). */
export function summarizeRecord(record: unknown, maxLength = 140): string {
  if (!record || typeof record !== 'object') return '—';
  const parts = Object.entries(record as Record<string, unknown>).map(([key, value]) => `${key}: ${describeValue(value)}`);
  const text = parts.join(' · ');
  return text.length > maxLength ? `${text.slice(0, maxLength - 1)}…` : text || '—';
}

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (Array.isArray(value)) return value.map(describeValue).join(', ');
  if (typeof value === 'object') {
    const change = value as { from?: unknown; to?: unknown };
    if ('from' in change || 'to' in change) return `${describeValue(change.from)} → ${describeValue(change.to)}`;
    return JSON.stringify(value);
  }
  return String(value);
}

/** `YYYY-MM-DD` from a date input, as the start of that day in the browser's time zone. */
export function startOfLocalDay(day: string, offsetDays = 0): string {
  const [year, month, date] = day.split('-').map(Number);
  return new Date(year!, month! - 1, date! + offsetDays).toISOString();
}

/** Numbers of the usage pages: tokens with pt-BR separators, costs in US dollars from the API's decimal strings. */

const integer = new Intl.NumberFormat('pt-BR', { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat('pt-BR', { maximumFractionDigits: 2 });
const dollars = new Intl.NumberFormat('pt-BR', { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 6 });

/** 1234567 → "1.234.567". */
export function formatTokens(tokens: number): string {
  return integer.format(tokens);
}

/** 12.5 → "12,5%". */
export function formatPercent(percent: number): string {
  return `${decimal.format(percent)}%`;
}

/** A cost as the API sends it ("0.000150000000") → "US$ 0,00015"; shown via Number, never summed here. */
export function formatUsd(cost: string): string {
  const value = Number(cost);
  return Number.isFinite(value) ? dollars.format(value) : cost;
}

const perToken = new Intl.NumberFormat('pt-BR', {
  style: 'currency',
  currency: 'USD',
  minimumFractionDigits: 2,
  maximumFractionDigits: 12,
});

/** A cost per token, to its last significant decimal (they are tiny: "US$ 0,00000015"). */
export function formatTokenCost(cost: string): string {
  const value = Number(cost);
  return Number.isFinite(value) ? perToken.format(value) : cost;
}

/** 230 → "230 ms", 1500 → "1,5 s". */
export function formatLatency(ms: number | null): string {
  if (ms === null) return '—';
  return ms < 1000 ? `${integer.format(ms)} ms` : `${decimal.format(ms / 1000)} s`;
}

/**
 * A cost per token as the cost per million tokens, exactly: the decimal point moves six places
 * in the string ("0.00000015" → "0.15"), no float arithmetic.
 */
export function perMillionTokens(costPerToken: string): string {
  const match = /^(\d+)(?:\.(\d*))?$/.exec(costPerToken.trim());
  if (!match) return costPerToken;
  const fraction = (match[2] ?? '').padEnd(6, '0');
  const whole = `${match[1]}${fraction.slice(0, 6)}`.replace(/^0+(?=\d)/, '');
  const rest = fraction.slice(6).replace(/0+$/, '');
  return rest ? `${whole}.${rest}` : whole;
}

/** The bar's colour band: under the first alert, between the two, or at/over the second. */
export type UsageTone = 'ok' | 'warning' | 'danger';

export function usageTone(percent: number, thresholds: { warning: number; danger: number } = { warning: 80, danger: 95 }): UsageTone {
  if (percent >= thresholds.danger) return 'danger';
  if (percent >= thresholds.warning) return 'warning';
  return 'ok';
}

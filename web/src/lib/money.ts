const reais = new Intl.NumberFormat('pt-BR', { style: 'currency', currency: 'BRL' });

/** 6000 → "R$ 60,00". */
export function formatCents(cents: number): string {
  return reais.format(cents / 100);
}

/** 6000 → "60,00": a price as the form shows it. */
export function centsToInput(cents: number): string {
  return (cents / 100).toFixed(2).replace('.', ',');
}

const WITH_DECIMAL_POINT = /^\d+(\.\d{1,2})?$/;
const BRAZILIAN = /^\d{1,3}(\.\d{3})*(,\d{1,2})?$|^\d+(,\d{1,2})?$/;

/**
 * A price typed in reais as whole cents: "60", "60,5", "1.234,56" and "60.50" are understood;
 * anything else is NaN, for the server to refuse beside the field.
 */
export function parseReais(text: string): number {
  const typed = text.trim().replace(/^R\$\s*/, '');
  if (WITH_DECIMAL_POINT.test(typed)) return Math.round(Number(typed) * 100);
  if (BRAZILIAN.test(typed)) return Math.round(Number(typed.replace(/\./g, '').replace(',', '.')) * 100);
  return Number.NaN;
}

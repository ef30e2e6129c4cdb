/** Phone numbers the helpdesk benches send: valid Brazilian mobiles, one per index. */

/** Number `index` (rotating over `count`) as an ERP would send it, formatted: +55 (DD) 9NNNN-NNNN. */
export function formattedNumberOf(index: number, count: number): string {
  const { ddd, local } = partsOf(index % count);
  return `+55 (${ddd}) 9${local.slice(0, 4)}-${local.slice(4)}`;
}

/** The same number as n8n sends it: digits only. */
export function digitsNumberOf(index: number, count: number): string {
  const { ddd, local } = partsOf(index % count);
  return `55${ddd}9${local}`;
}

function partsOf(n: number): { ddd: number; local: string } {
  return { ddd: 11 + (n % 9) * 10, local: String(60_000_000 + Math.floor(n / 9)).padStart(8, '0') };
}

/**
 * CNPJ, numeric or alphanumeric (issued by the Receita Federal since July 2026): twelve digits or
 * letters A–Z, then two check digits, each a mod-11 sum over the characters' values
 * (charCode − 48: '0'…'9' are 0…9, 'A' is 17 … 'Z' is 42) with weights 2…9 from the right.
 * Pure functions: the dashboard's form checks with the same code as the server.
 */

const NORMALISED = /^[0-9A-Z]{12}[0-9]{2}$/;
const PUNCTUATION = /[\s./-]/g;

const valueOf = (character: string) => character.charCodeAt(0) - 48;

function checkDigit(base: string): number {
  let sum = 0;
  let weight = 2;
  for (let index = base.length - 1; index >= 0; index -= 1) {
    sum += valueOf(base[index]!) * weight;
    weight = weight === 9 ? 2 : weight + 1;
  }
  const remainder = sum % 11;
  return remainder < 2 ? 0 : 11 - remainder;
}

/** Upper-cased, without dots, slashes, dashes and spaces: what is stored and compared. */
export function normaliseCnpj(typed: string): string {
  return typed.toUpperCase().replace(PUNCTUATION, '');
}

/** Whether the typed CNPJ (with or without punctuation) has the right shape and check digits. */
export function isValidCnpj(typed: string): boolean {
  const cnpj = normaliseCnpj(typed);
  if (!NORMALISED.test(cnpj)) return false;
  // Fourteen equal characters pass the sums but are never issued.
  if (/^(.)\1{13}$/.test(cnpj)) return false;
  const first = checkDigit(cnpj.slice(0, 12));
  const second = checkDigit(`${cnpj.slice(0, 12)}${first}`);
  return cnpj.endsWith(`${first}${second}`);
}

/** `12ABC34501DE35` → `12.ABC.345/01DE-35`; a partial entry is formatted as far as it goes (the form's mask). */
export function formatCnpj(typed: string): string {
  const cnpj = normaliseCnpj(typed).slice(0, 14);
  const cuts: Array<[number, number, string]> = [
    [0, 2, ''],
    [2, 5, '.'],
    [5, 8, '.'],
    [8, 12, '/'],
    [12, 14, '-'],
  ];
  return cuts
    .filter(([start]) => cnpj.length > start)
    .map(([start, end, separator]) => `${separator}${cnpj.slice(start, end)}`)
    .join('');
}

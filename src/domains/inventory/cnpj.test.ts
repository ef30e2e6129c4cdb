import { describe, expect, it } from 'vitest';
import { randomCnpj } from '../../../test/support/inventory-purchasing';
import { formatCnpj, isValidCnpj, normaliseCnpj } from './cnpj';

describe('CNPJ: numeric and alphanumeric, check digits, normalised and formatted', () => {
  it('accepts numeric CNPJs with their check digits, punctuated or not', () => {
    expect(isValidCnpj('11.222.333/0001-81')).toBe(true);
    expect(isValidCnpj('11222333000181')).toBe(true);
    expect(isValidCnpj('00.000.000/0001-91')).toBe(true);
  });

  it("accepts the Receita Federal's alphanumeric CNPJ (letters valued charCode − 48)", () => {
    expect(isValidCnpj('12.ABC.345/01DE-35')).toBe(true);
    expect(isValidCnpj('12abc34501de35')).toBe(true);
    for (let i = 0; i < 50; i += 1) expect(isValidCnpj(randomCnpj())).toBe(true);
  });

  it('refuses wrong check digits, wrong shapes and repeated characters', () => {
    expect(isValidCnpj('11.222.333/0001-82')).toBe(false);
    expect(isValidCnpj('12.ABC.345/01DE-36')).toBe(false);
    expect(isValidCnpj('12.ABC.345/01DE-3A')).toBe(false); // check digits are digits
    expect(isValidCnpj('12.ABC.345/01DE')).toBe(false);
    expect(isValidCnpj('12.ABC.345/01DE-355')).toBe(false);
    expect(isValidCnpj('12.AB*.345/01DE-35')).toBe(false);
    expect(isValidCnpj('00000000000000')).toBe(false);
    expect(isValidCnpj('11111111111111')).toBe(false);
    expect(isValidCnpj('')).toBe(false);
  });

  it('stores 14 upper-case characters and shows them formatted, also while typing', () => {
    expect(normaliseCnpj(' 12.abc.345/01de-35 ')).toBe('12ABC34501DE35');
    expect(formatCnpj('12ABC34501DE35')).toBe('12.ABC.345/01DE-35');
    expect(formatCnpj('11222333000181')).toBe('11.222.333/0001-81');
    expect(formatCnpj('12ab')).toBe('12.AB');
    expect(formatCnpj('12ABC345')).toBe('12.ABC.345');
    expect(formatCnpj('12ABC34501D')).toBe('12.ABC.345/01D');
    expect(formatCnpj('')).toBe('');
  });
});

import { DateTime } from 'luxon';
import type { InventoryCustomField } from '../../../db/schema';
import { DomainError } from '../../../platform/errors';

const TEXT_MAX = 500;

/** Whether a value fits its field: a message for the person who typed it, or nothing. */
function problemWith(field: InventoryCustomField, value: unknown): string | undefined {
  switch (field.type) {
    case 'text':
      if (typeof value !== 'string') return `${field.label}: informe um texto`;
      if (value.length > TEXT_MAX) return `${field.label}: no máximo ${TEXT_MAX} caracteres`;
      if (value.includes('\u0000')) return `${field.label}: caractere nulo não é permitido`;
      return undefined;
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? undefined : `${field.label}: informe um número`;
    case 'date':
      return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) && DateTime.fromISO(value).isValid
        ? undefined
        : `${field.label}: informe uma data AAAA-MM-DD`;
    case 'boolean':
      return typeof value === 'boolean' ? undefined : `${field.label}: informe sim ou não`;
    case 'select':
      return typeof value === 'string' && (field.options ?? []).includes(value)
        ? undefined
        : `${field.label}: escolha uma das opções (${(field.options ?? []).join(', ')})`;
  }
}

const isBlank = (value: unknown) => value === undefined || value === null || value === '';

/**
 * An asset's custom values checked against its category's fields (and its ancestors'): each known
 * field's type and options, each required one present, no unknown key. Blank values are dropped.
 * Answers the values to store, or a message per field key.
 */
export function checkCustomFields(
  fields: readonly InventoryCustomField[],
  values: Record<string, unknown>,
): { values: Record<string, unknown>; problems: Record<string, string> } {
  const problems: Record<string, string> = {};
  const kept: Record<string, unknown> = {};
  const known = new Map(fields.map((field) => [field.key, field]));
  for (const [key, value] of Object.entries(values)) {
    const field = known.get(key);
    if (!field) {
      if (!isBlank(value)) problems[key] = `O campo ${key} não existe na categoria do ativo`;
      continue;
    }
    if (isBlank(value)) continue;
    const problem = problemWith(field, value);
    if (problem) problems[key] = problem;
    else kept[key] = value;
  }
  for (const field of fields) {
    if (field.required && isBlank(values[field.key]) && !problems[field.key]) problems[field.key] = `${field.label}: obrigatório`;
  }
  return { values: kept, problems };
}

/** The same check, as the 400 a form shows beside each field (`details.fields`), or the values to store. */
export function validCustomFields(fields: readonly InventoryCustomField[], values: Record<string, unknown>): Record<string, unknown> {
  const checked = checkCustomFields(fields, values);
  const keys = Object.keys(checked.problems);
  if (keys.length > 0) {
    throw new DomainError('BAD_REQUEST', 'CUSTOM_FIELDS_INVALID', checked.problems[keys[0]!]!, {
      field: 'customFields',
      fields: checked.problems,
    });
  }
  return checked.values;
}

const TRUE_WORDS = new Set(['sim', 's', 'true', '1', 'yes', 'verdadeiro']);
const FALSE_WORDS = new Set(['não', 'nao', 'n', 'false', '0', 'no', 'falso']);

/** A CSV cell as the field's type (a number with a decimal comma, a date as DD/MM/AAAA, sim/não); what cannot be read stays text, for the check to refuse. */
export function customValueFromText(field: InventoryCustomField, cell: string): unknown {
  const textValue = cell.trim();
  if (textValue === '') return undefined;
  switch (field.type) {
    case 'number': {
      const normalised = /^-?\d{1,3}(\.\d{3})*(,\d+)?$/.test(textValue) ? textValue.replace(/\./g, '').replace(',', '.') : textValue;
      const parsed = Number(normalised.replace(',', '.'));
      return Number.isFinite(parsed) && normalised !== '' ? parsed : textValue;
    }
    case 'date': {
      const brazilian = DateTime.fromFormat(textValue, 'dd/MM/yyyy');
      return brazilian.isValid ? brazilian.toISODate() : textValue;
    }
    case 'boolean': {
      const word = textValue.toLowerCase();
      if (TRUE_WORDS.has(word)) return true;
      if (FALSE_WORDS.has(word)) return false;
      return textValue;
    }
    default:
      return textValue;
  }
}

/** A value as a CSV cell: the reverse of `customValueFromText`. */
export function customValueToText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'boolean') return value ? 'sim' : 'não';
  return String(value);
}

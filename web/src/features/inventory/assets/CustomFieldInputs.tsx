import { SelectField, TextField } from '../../../ui/Field';
import type { CustomField } from './types';

/** The values a form holds for custom fields: text as typed, one per field key. */
export type CustomFieldTexts = Record<string, string>;

/** Stored values as the form shows them. */
export function textsOf(values: Record<string, unknown>): CustomFieldTexts {
  return Object.fromEntries(
    Object.entries(values)
      .filter(([, value]) => value !== undefined && value !== null)
      .map(([key, value]) => [key, typeof value === 'boolean' ? (value ? 'true' : 'false') : String(value)]),
  );
}

/** What the form sends: numbers and yes/no as such; blank fields left out; text the server cannot read goes as typed, for it to refuse beside the field. */
export function valuesOf(fields: readonly CustomField[], texts: CustomFieldTexts): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const field of fields) {
    const text = (texts[field.key] ?? '').trim();
    if (!text) continue;
    if (field.type === 'number') {
      const number = Number(text.replace(',', '.'));
      values[field.key] = Number.isFinite(number) ? number : text;
    } else if (field.type === 'boolean') values[field.key] = text === 'true';
    else values[field.key] = text;
  }
  return values;
}

/** One input per field of the asset's category (and of the categories above it), with the server's message per field. */
export function CustomFieldInputs({
  fields,
  texts,
  onChange,
  errors,
}: {
  fields: readonly CustomField[];
  texts: CustomFieldTexts;
  onChange: (texts: CustomFieldTexts) => void;
  errors: Partial<Record<string, string>>;
}) {
  if (fields.length === 0) return null;
  const set = (key: string, value: string) => onChange({ ...texts, [key]: value });
  return (
    <fieldset className="space-y-3 rounded-md border border-zinc-200 p-3">
      <legend className="px-1 text-xs font-medium text-zinc-500">Campos da categoria</legend>
      {fields.map((field) => {
        const common = {
          label: field.label,
          value: texts[field.key] ?? '',
          error: errors[field.key],
          hint: field.required ? 'Obrigatório' : undefined,
        };
        if (field.type === 'select' || field.type === 'boolean') {
          const options =
            field.type === 'boolean'
              ? [
                  { value: 'true', label: 'Sim' },
                  { value: 'false', label: 'Não' },
                ]
              : (field.options ?? []).map((option) => ({ value: option, label: option }));
          return (
            <SelectField
              key={field.key}
              {...common}
              options={[{ value: '', label: '—' }, ...options]}
              onChange={(event) => set(field.key, event.target.value)}
            />
          );
        }
        return (
          <TextField
            key={field.key}
            {...common}
            type={field.type === 'date' ? 'date' : 'text'}
            inputMode={field.type === 'number' ? 'decimal' : undefined}
            autoComplete="off"
            onChange={(event) => set(field.key, event.target.value)}
          />
        );
      })}
    </fieldset>
  );
}

/** The server's message per custom field (`details.fields` of CUSTOM_FIELDS_INVALID). */
export function customFieldErrorsOf(error: unknown): Partial<Record<string, string>> {
  const details = (error as { data?: { details?: { fields?: unknown } | null } } | null)?.data?.details;
  return details?.fields && typeof details.fields === 'object' ? (details.fields as Record<string, string>) : {};
}

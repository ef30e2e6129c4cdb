import { Button } from '../../../ui/Button';
import { SelectField, TextField } from '../../../ui/Field';
import { FIELD_TYPE_LABELS } from '../assets/labels';
import type { CustomField } from '../assets/types';

/** A field as the editor holds it: its options as typed, comma-separated. */
export interface FieldDraft {
  key: string;
  label: string;
  type: CustomField['type'];
  required: boolean;
  options: string;
}

export const toDraft = (field: CustomField): FieldDraft => ({ ...field, options: (field.options ?? []).join(', ') });

export const fromDraft = (draft: FieldDraft): CustomField => ({
  key: draft.key.trim(),
  label: draft.label.trim(),
  type: draft.type,
  required: draft.required,
  ...(draft.type === 'select'
    ? {
        options: draft.options
          .split(',')
          .map((option) => option.trim())
          .filter(Boolean),
      }
    : {}),
});

const EMPTY: FieldDraft = { key: '', label: '', type: 'text', required: false, options: '' };

/** The fields a category adds to its assets (and its subcategories' assets): key, label, type, required, options. */
export function CustomFieldsEditor({
  drafts,
  onChange,
  error,
}: {
  drafts: readonly FieldDraft[];
  onChange: (drafts: FieldDraft[]) => void;
  error?: string | undefined;
}) {
  const change = (index: number, patch: Partial<FieldDraft>) =>
    onChange(drafts.map((draft, at) => (at === index ? { ...draft, ...patch } : draft)));
  return (
    <fieldset className="space-y-3">
      <legend className="text-sm font-medium text-zinc-700">Campos personalizados</legend>
      {drafts.length === 0 && <p className="text-xs text-zinc-500">Nenhum campo: os ativos desta categoria têm só os dados comuns.</p>}
      {drafts.map((draft, index) => {
        const number = index + 1;
        return (
          <div key={index} className="space-y-2 rounded-md border border-zinc-200 p-3" data-testid="custom-field-row">
            <div className="grid grid-cols-2 gap-2">
              <TextField
                label={`Chave do campo ${number}`}
                placeholder="memoria_gb"
                autoComplete="off"
                value={draft.key}
                onChange={(event) => change(index, { key: event.target.value })}
              />
              <TextField
                label={`Rótulo do campo ${number}`}
                placeholder="Memória (GB)"
                autoComplete="off"
                value={draft.label}
                onChange={(event) => change(index, { label: event.target.value })}
              />
              <SelectField
                label={`Tipo do campo ${number}`}
                options={Object.entries(FIELD_TYPE_LABELS).map(([value, label]) => ({ value, label }))}
                value={draft.type}
                onChange={(event) => change(index, { type: event.target.value as FieldDraft['type'] })}
              />
              {draft.type === 'select' && (
                <TextField
                  label={`Opções do campo ${number}`}
                  placeholder="preto, prata"
                  value={draft.options}
                  onChange={(event) => change(index, { options: event.target.value })}
                />
              )}
            </div>
            <div className="flex items-center justify-between">
              <label className="flex items-center gap-2 text-sm text-zinc-700">
                <input
                  type="checkbox"
                  className="size-4 accent-zinc-900"
                  checked={draft.required}
                  onChange={(event) => change(index, { required: event.target.checked })}
                />
                Obrigatório
              </label>
              <Button size="sm" tone="ghost" onClick={() => onChange(drafts.filter((_, at) => at !== index))}>
                Remover campo {number}
              </Button>
            </div>
          </div>
        );
      })}
      {error && (
        <p className="text-xs text-red-600" data-testid="field-error">
          {error}
        </p>
      )}
      <Button size="sm" onClick={() => onChange([...drafts, EMPTY])}>
        Adicionar campo
      </Button>
    </fieldset>
  );
}

import { useId, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes } from 'react';

const control =
  'block w-full rounded-md border bg-white px-3 py-2 text-sm text-zinc-900 shadow-xs placeholder:text-zinc-400 focus:outline-2 focus:-outline-offset-1 focus:outline-zinc-900 disabled:bg-zinc-50 disabled:text-zinc-500';

interface FieldShellProps {
  label: string;
  error?: string | undefined;
  hint?: ReactNode;
  children: (ids: { id: string; describedBy: string | undefined; invalid: boolean }) => ReactNode;
}

/** Label, control, hint and the server's message for this field, wired for screen readers. */
export function FieldShell({ label, error, hint, children }: FieldShellProps) {
  const id = useId();
  const errorId = `${id}-error`;
  return (
    <div className="space-y-1.5">
      <label htmlFor={id} className="block text-sm font-medium text-zinc-700">
        {label}
      </label>
      {children({ id, describedBy: error ? errorId : undefined, invalid: Boolean(error) })}
      {error ? (
        <p id={errorId} className="text-xs text-red-600" data-testid="field-error">
          {error}
        </p>
      ) : (
        hint && <p className="text-xs text-zinc-500">{hint}</p>
      )}
    </div>
  );
}

const border = (invalid: boolean) => (invalid ? 'border-red-400' : 'border-zinc-300');

export function TextField({
  label,
  error,
  hint,
  className = '',
  ...input
}: InputHTMLAttributes<HTMLInputElement> & { label: string; error?: string | undefined; hint?: ReactNode }) {
  return (
    <FieldShell label={label} error={error} hint={hint}>
      {({ id, describedBy, invalid }) => (
        <input
          id={id}
          aria-invalid={invalid || undefined}
          aria-describedby={describedBy}
          className={`${control} ${border(invalid)} ${className}`}
          {...input}
        />
      )}
    </FieldShell>
  );
}

export interface Option {
  value: string;
  label: string;
  disabled?: boolean;
}

export function SelectField({
  label,
  error,
  hint,
  options,
  className = '',
  ...select
}: SelectHTMLAttributes<HTMLSelectElement> & { label: string; error?: string | undefined; hint?: ReactNode; options: readonly Option[] }) {
  return (
    <FieldShell label={label} error={error} hint={hint}>
      {({ id, describedBy, invalid }) => (
        <select
          id={id}
          aria-invalid={invalid || undefined}
          aria-describedby={describedBy}
          className={`${control} ${border(invalid)} ${className}`}
          {...select}
        >
          {options.map((option) => (
            <option key={option.value} value={option.value} disabled={option.disabled}>
              {option.label}
            </option>
          ))}
        </select>
      )}
    </FieldShell>
  );
}

export interface CheckboxOption {
  value: string;
  label: string;
  description?: string;
  disabled?: boolean;
  /** The label is a code (a permission key): shown in the monospace font. Names use the normal one. */
  code?: boolean;
}

/** A labelled list of checkboxes (permissions of a role, scopes of a token). */
export function CheckboxGroup({
  legend,
  options,
  selected,
  onChange,
  error,
}: {
  legend: string;
  options: readonly CheckboxOption[];
  selected: readonly string[];
  onChange: (next: string[]) => void;
  error?: string | undefined;
}) {
  const toggle = (value: string, checked: boolean) => onChange(checked ? [...selected, value] : selected.filter((item) => item !== value));
  return (
    <fieldset className="space-y-2">
      <legend className="text-sm font-medium text-zinc-700">{legend}</legend>
      <div className={`grid max-h-72 gap-0.5 overflow-y-auto rounded-md border p-1.5 ${border(Boolean(error))}`}>
        {options.map((option) => (
          <label
            key={option.value}
            className={`flex items-start gap-2.5 rounded px-2 py-1.5 text-sm ${option.disabled ? 'cursor-not-allowed opacity-50' : 'cursor-pointer hover:bg-zinc-50'}`}
          >
            <input
              type="checkbox"
              className="mt-0.5 size-4 rounded border-zinc-300 accent-zinc-900"
              checked={selected.includes(option.value)}
              disabled={option.disabled}
              onChange={(event) => toggle(option.value, event.target.checked)}
            />
            <span className="min-w-0">
              <span className={`block text-zinc-900 ${option.code ? 'font-mono text-xs' : 'text-sm'}`}>{option.label}</span>
              {option.description && <span className="block text-xs text-zinc-500">{option.description}</span>}
            </span>
          </label>
        ))}
      </div>
      {error && (
        <p className="text-xs text-red-600" data-testid="field-error">
          {error}
        </p>
      )}
    </fieldset>
  );
}

/** A labelled choice of one option (how a user gets in, …), as a short list of cards. */
export function RadioGroup<Value extends string>({
  legend,
  options,
  value,
  onChange,
}: {
  legend: string;
  options: readonly (CheckboxOption & { value: Value })[];
  value: Value;
  onChange: (next: Value) => void;
}) {
  const name = useId();
  return (
    <fieldset className="space-y-2">
      <legend className="text-sm font-medium text-zinc-700">{legend}</legend>
      <div className="grid gap-2">
        {options.map((option) => (
          <label
            key={option.value}
            className={`flex cursor-pointer items-start gap-2.5 rounded-md border px-3 py-2 text-sm ${value === option.value ? 'border-zinc-900 bg-zinc-50' : 'border-zinc-300 hover:bg-zinc-50'}`}
          >
            <input
              type="radio"
              name={name}
              className="mt-0.5 size-4 accent-zinc-900"
              checked={value === option.value}
              disabled={option.disabled}
              onChange={() => onChange(option.value)}
            />
            <span className="min-w-0">
              <span className="block font-medium text-zinc-900">{option.label}</span>
              {option.description && <span className="block text-xs text-zinc-500">{option.description}</span>}
            </span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}

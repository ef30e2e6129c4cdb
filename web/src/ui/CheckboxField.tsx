import type { ReactNode } from 'react';

/** One labelled on/off choice, with an optional line that explains it. */
export function CheckboxField({
  label,
  description,
  checked,
  onChange,
}: {
  label: string;
  description?: ReactNode;
  checked: boolean;
  onChange: (checked: boolean) => void;
}) {
  return (
    <label className="flex cursor-pointer items-start gap-2.5 text-sm text-zinc-700">
      <input
        type="checkbox"
        className="mt-0.5 size-4 accent-zinc-900"
        checked={checked}
        onChange={(event) => onChange(event.target.checked)}
      />
      <span>
        <span className="block font-medium text-zinc-900">{label}</span>
        {description && <span className="block text-xs text-zinc-500">{description}</span>}
      </span>
    </label>
  );
}

import { SecretField } from './SecretField';

/** A shown-once value with its name above it, for dialogs that show several (a secret and the URLs that go with it). */
export function LabelledSecret({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <div className="space-y-1">
      <p className="text-xs font-medium text-zinc-700">{label}</p>
      <SecretField label={label} value={value} testId={testId} />
    </div>
  );
}

import { useCan } from '../../../app/providers';
import { fieldErrorsOf } from '../../../lib/errors';
import { useNumberChecks } from '../../../lib/numbers';
import { trpc } from '../../../lib/trpc';
import { TextField } from '../../../ui/Field';
import { Banner, Card, PageHeader } from '../../../ui/Layout';
import { MutationFormCard } from '../../../ui/MutationFormCard';
import { useToast } from '../../../ui/Toast';
import { useFormValues } from '../../../ui/useFormValues';
import type { InventorySettings } from '../assets/types';

const FIELDS = [
  'tagPrefix',
  'tagDigits',
  'labelSheet',
  'loanReminderDays',
  'slaWarningPercent',
  'agentSilenceMinutes',
  'heartbeatRetentionDays',
];
const NUMBERS = [
  'tagDigits',
  'columns',
  'rows',
  'marginTopMm',
  'marginLeftMm',
  'gapXMm',
  'gapYMm',
  'loanReminderDays',
  'slaWarningPercent',
  'agentSilenceMinutes',
  'heartbeatRetentionDays',
] as const;
type NumberKey = (typeof NUMBERS)[number];

const textsOf = (settings: InventorySettings) => ({
  tagPrefix: settings.tagPrefix,
  tagDigits: String(settings.tagDigits),
  columns: String(settings.labelSheet.columns),
  rows: String(settings.labelSheet.rows),
  marginTopMm: String(settings.labelSheet.marginTopMm),
  marginLeftMm: String(settings.labelSheet.marginLeftMm),
  gapXMm: String(settings.labelSheet.gapXMm),
  gapYMm: String(settings.labelSheet.gapYMm),
  loanReminderDays: String(settings.loanReminderDays),
  slaWarningPercent: String(settings.slaWarningPercent),
  agentSilenceMinutes: String(settings.agentSilenceMinutes),
  heartbeatRetentionDays: String(settings.heartbeatRetentionDays),
});

/** "4,5" or "4.5" → 4.5; anything else NaN. */
const decimal = (text: string) => (/^\s*\d+([.,]\d+)?\s*$/.test(text) ? Number(text.replace(',', '.')) : Number.NaN);

function SettingsForm({ settings }: { settings: InventorySettings }) {
  const toast = useToast();
  const utils = trpc.useUtils();
  const canWrite = useCan('inventory.settings.write');
  const form = useFormValues(textsOf(settings));
  const numbers = useNumberChecks();
  const update = trpc.inventory.settings.update.useMutation({
    onSuccess: (saved) => {
      toast.success(`Configuração salva: a próxima etiqueta é ${saved.nextTag}`);
      void utils.inventory.settings.invalidate();
    },
  });
  const errors = { ...fieldErrorsOf(update.error), ...numbers.errors };
  const submit = () => {
    const typed = Object.fromEntries(NUMBERS.map((key) => [key, decimal(form.values[key])])) as Record<NumberKey, number>;
    if (!numbers.allValid(typed)) return;
    const { columns, rows, marginTopMm, marginLeftMm, gapXMm, gapYMm, ...rest } = typed;
    update.mutate({ tagPrefix: form.values.tagPrefix, ...rest, labelSheet: { columns, rows, marginTopMm, marginLeftMm, gapXMm, gapYMm } });
  };
  const number = (key: NumberKey, label: string, hint?: string) => (
    <TextField label={label} inputMode="decimal" disabled={!canWrite} {...form.bind(key)} error={errors[key]} hint={hint} />
  );
  return (
    <MutationFormCard
      title="Configuração do inventário"
      submitLabel="Salvar configuração"
      mutation={update}
      fields={FIELDS}
      onSubmit={submit}
      testId="inventory-settings-form"
    >
      <fieldset className="grid grid-cols-2 gap-3">
        <legend className="col-span-2 mb-1 text-sm font-semibold text-zinc-900">Etiquetas</legend>
        <TextField
          label="Prefixo da etiqueta"
          disabled={!canWrite}
          {...form.bind('tagPrefix')}
          error={errors.tagPrefix}
          hint={`Próxima: ${settings.nextTag}`}
        />
        {number('tagDigits', 'Dígitos do número')}
      </fieldset>
      <fieldset className="grid grid-cols-2 gap-3">
        <legend className="col-span-2 mb-1 text-sm font-semibold text-zinc-900">Folha de etiquetas (A4)</legend>
        {number('columns', 'Colunas')}
        {number('rows', 'Linhas')}
        {number('marginTopMm', 'Margem superior (mm)')}
        {number('marginLeftMm', 'Margem lateral (mm)')}
        {number('gapXMm', 'Espaço entre colunas (mm)')}
        {number('gapYMm', 'Espaço entre linhas (mm)')}
        <p className="col-span-2 text-xs text-zinc-500">
          Cada etiqueta sai com {settings.labelSizeMm.width} × {settings.labelSizeMm.height} mm.
        </p>
        {errors.labelSheet && (
          <p className="col-span-2 text-xs text-red-600" data-testid="field-error">
            {errors.labelSheet}
          </p>
        )}
      </fieldset>
      <fieldset className="grid grid-cols-2 gap-3">
        <legend className="col-span-2 mb-1 text-sm font-semibold text-zinc-900">Prazos e alertas</legend>
        {number('loanReminderDays', 'Lembrete antes da devolução (dias)')}
        {number('slaWarningPercent', 'Aviso de SLA (% do prazo)')}
        {number('agentSilenceMinutes', 'Agente em silêncio após (min)')}
        {number('heartbeatRetentionDays', 'Guardar sinais dos agentes (dias)')}
      </fieldset>
    </MutationFormCard>
  );
}

/** The tenant's inventory settings: tag numbering, the label sheet's grid, loan reminders, SLA warnings and agents. */
export function InventorySettingsPage() {
  const settings = trpc.inventory.settings.get.useQuery();
  return (
    <div className="space-y-6">
      <PageHeader title="Configuração do inventário" description="Numeração das etiquetas, folha de impressão, prazos e alertas." />
      {settings.isError && <Banner>{settings.error.message}</Banner>}
      <div className="max-w-2xl">
        {settings.data ? <SettingsForm key={settings.data.updatedAt} settings={settings.data} /> : <Card>Carregando…</Card>}
      </div>
    </div>
  );
}

import { fieldErrorsOf } from '../../../lib/errors';
import { trpc, type RouterOutputs } from '../../../lib/trpc';
import { Spinner } from '../../../ui/Button';
import { TextField } from '../../../ui/Field';
import { useToast } from '../../../ui/Toast';
import { useFormValues } from '../../../ui/useFormValues';
import { BusinessHoursEditor, type BusinessHours } from '../../../ui/BusinessHoursEditor';
import { TextAreaField } from '../../../ui/TextAreaField';
import { MutationFormCard } from '../../../ui/MutationFormCard';

type Settings = RouterOutputs['helpdesk']['settings']['get'];

const FIELDS = ['reopenWindowMinutes', 'businessHours', 'outOfHoursMessage', 'queueMenu', 'mediaRetentionDays'];

/** The company-wide rules: how long a closed ticket reopens on a new message, opening hours, the out-of-hours answer. */
export function SettingsForm() {
  const settings = trpc.helpdesk.settings.get.useQuery();
  if (!settings.data) {
    return (
      <p className="inline-flex items-center gap-2 text-sm text-zinc-500">
        <Spinner /> Carregando configurações…
      </p>
    );
  }
  return <LoadedSettingsForm settings={settings.data} />;
}

function LoadedSettingsForm({ settings }: { settings: Settings }) {
  const toast = useToast();
  const utils = trpc.useUtils();
  const form = useFormValues({
    reopenWindowMinutes: String(settings.reopenWindowMinutes),
    businessHours: settings.businessHours as BusinessHours | null,
    outOfHoursMessage: settings.outOfHoursMessage ?? '',
    queueMenu: settings.queueMenu,
    mediaRetentionDays: settings.mediaRetentionDays === null ? '' : String(settings.mediaRetentionDays),
  });
  const update = trpc.helpdesk.settings.update.useMutation({
    onSuccess: (saved) => {
      toast.success('Configurações do atendimento salvas');
      utils.helpdesk.settings.get.setData(undefined, saved);
    },
  });
  const errors = fieldErrorsOf(update.error);
  const { reopenWindowMinutes, businessHours, outOfHoursMessage, queueMenu, mediaRetentionDays } = form.values;
  const submit = () =>
    update.mutate({
      reopenWindowMinutes: reopenWindowMinutes.trim() === '' ? Number.NaN : Number(reopenWindowMinutes),
      businessHours,
      outOfHoursMessage: outOfHoursMessage.trim() || null,
      queueMenu,
      // Blank keeps files for good; anything else goes to the server as typed, which checks the range.
      mediaRetentionDays: mediaRetentionDays.trim() === '' ? null : Number(mediaRetentionDays),
    });
  return (
    <MutationFormCard
      title="Configurações do atendimento"
      description="Valem para todas as filas; uma fila com horário próprio usa o dela."
      submitLabel="Salvar configurações"
      mutation={update}
      fields={FIELDS}
      onSubmit={submit}
      testId="helpdesk-settings-form"
    >
      <TextField
        label="Janela de reabertura (minutos)"
        type="number"
        min={0}
        inputMode="numeric"
        {...form.bind('reopenWindowMinutes')}
        error={errors.reopenWindowMinutes}
        hint="Uma mensagem do contato até este tempo depois do encerramento reabre o mesmo ticket; 0 abre sempre um novo."
      />
      <label className="flex cursor-pointer items-start gap-2.5 text-sm text-zinc-700">
        <input
          type="checkbox"
          className="mt-0.5 size-4 accent-zinc-900"
          checked={queueMenu}
          onChange={(event) => form.set('queueMenu', event.target.checked)}
        />
        <span>
          <span className="block font-medium text-zinc-900">Menu de filas</span>
          <span className="block text-xs text-zinc-500">
            Um novo contato escolhe a fila por número (com uma só fila, vai direto a ela) e recebe a saudação da fila.
          </span>
        </span>
      </label>
      <BusinessHoursEditor
        legend="Horário de atendimento da empresa"
        enableLabel="Definir horário (sem horário, o atendimento fica sempre aberto)"
        value={businessHours}
        onChange={(hours) => form.set('businessHours', hours)}
        error={errors.businessHours}
      />
      <TextAreaField
        label="Mensagem fora do horário"
        placeholder="Recebemos sua mensagem! Respondemos de segunda a sexta, das 9h às 18h."
        value={outOfHoursMessage}
        onChange={(event) => form.set('outOfHoursMessage', event.target.value)}
        error={errors.outOfHoursMessage}
        hint="Enviada uma vez quando um contato abre um ticket fora do horário. Em branco, nenhuma."
      />
      <TextField
        label="Guardar arquivos por (dias)"
        type="number"
        min={1}
        max={3650}
        inputMode="numeric"
        {...form.bind('mediaRetentionDays')}
        error={errors.mediaRetentionDays}
        hint="Anexos e mídias recebidas mais antigos que isso são apagados toda noite (de 1 a 3650 dias). Em branco, ficam guardados para sempre."
      />
    </MutationFormCard>
  );
}

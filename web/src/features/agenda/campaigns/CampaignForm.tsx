import { fieldErrorsOf } from '../../../lib/errors';
import { trpc } from '../../../lib/trpc';
import { SelectField, TextField } from '../../../ui/Field';
import { useToast } from '../../../ui/Toast';
import { useFormValues } from '../../../ui/useFormValues';
import { MutationFormCard } from '../../../ui/MutationFormCard';
import { CheckboxField } from '../../../ui/CheckboxField';
import { useNumberChecks, wholeNumber } from '../../../lib/numbers';
import type { Campaign } from './types';
import { CAMPAIGN_COPY } from './copy';

const FIELDS = [
  'enabled',
  'schedule',
  'offerType',
  'offerValue',
  'windowDays',
  'daysAhead',
  'dailyCap',
  'quietHoursStart',
  'quietHoursEnd',
  'frequencyCapDays',
];
const OFFER_TYPES = [
  { value: 'discount_percent', label: 'Desconto (%)' },
  { value: 'none', label: 'Sem oferta' },
];

/** One campaign's settings: when it runs (cron, in the company's time zone), the offer, how far it looks and how much it may send. */
export function CampaignForm({ campaign }: { campaign: Campaign }) {
  const toast = useToast();
  const utils = trpc.useUtils();
  const numbers = useNumberChecks();
  const form = useFormValues({
    enabled: campaign.enabled,
    schedule: campaign.schedule,
    offerType: campaign.offerType,
    offerValue: String(campaign.offerValue),
    windowDays: String(campaign.windowDays),
    daysAhead: String(campaign.daysAhead),
    dailyCap: String(campaign.dailyCap),
    quietHoursStart: campaign.quietHoursStart,
    quietHoursEnd: campaign.quietHoursEnd,
    frequencyCapDays: String(campaign.frequencyCapDays),
  });
  const update = trpc.agenda.campaigns.update.useMutation({
    onSuccess: () => {
      toast.success(`${CAMPAIGN_COPY[campaign.type].title}: configuração salva`);
      void utils.agenda.campaigns.list.invalidate();
    },
  });
  const errors = { ...fieldErrorsOf(update.error), ...numbers.errors };
  const { values } = form;
  const submit = () => {
    const typed = {
      offerValue: wholeNumber(values.offerValue),
      windowDays: wholeNumber(values.windowDays),
      daysAhead: wholeNumber(values.daysAhead),
      dailyCap: wholeNumber(values.dailyCap),
      frequencyCapDays: wholeNumber(values.frequencyCapDays),
    };
    if (!numbers.allValid(typed)) return;
    update.mutate({
      type: campaign.type,
      enabled: values.enabled,
      schedule: values.schedule,
      offerType: values.offerType,
      quietHoursStart: values.quietHoursStart,
      quietHoursEnd: values.quietHoursEnd,
      ...typed,
    });
  };
  const isPrazoCerto = campaign.type === 'prazo_certo';
  return (
    <MutationFormCard
      title="Configuração"
      submitLabel="Salvar"
      mutation={update}
      fields={FIELDS}
      onSubmit={submit}
      testId={`campaign-form-${campaign.type}`}
    >
      <CheckboxField label="Rodar no horário agendado" checked={values.enabled} onChange={(enabled) => form.set('enabled', enabled)} />
      <TextField
        label="Agenda (cron)"
        value={values.schedule}
        onChange={(event) => form.set('schedule', event.target.value)}
        error={errors.schedule}
        hint="Minuto hora dia mês dia-da-semana, no fuso da empresa: 0 9 * * * = todo dia às 9h"
      />
      <div className="grid grid-cols-2 gap-3">
        <SelectField
          label="Oferta"
          value={values.offerType}
          options={OFFER_TYPES}
          onChange={(event) => form.set('offerType', event.target.value as Campaign['offerType'])}
        />
        <TextField
          label="Desconto (%)"
          inputMode="numeric"
          value={values.offerValue}
          onChange={(event) => form.set('offerValue', event.target.value)}
          error={errors.offerValue}
          disabled={values.offerType === 'none'}
        />
        {isPrazoCerto ? (
          <TextField
            label="Janela (dias)"
            inputMode="numeric"
            value={values.windowDays}
            onChange={(event) => form.set('windowDays', event.target.value)}
            error={errors.windowDays}
            hint="Quem vence o ciclo até estes dias à frente"
          />
        ) : (
          <TextField
            label="Dias à frente"
            inputMode="numeric"
            value={values.daysAhead}
            onChange={(event) => form.set('daysAhead', event.target.value)}
            error={errors.daysAhead}
          />
        )}
        <TextField
          label="Limite por dia"
          inputMode="numeric"
          value={values.dailyCap}
          onChange={(event) => form.set('dailyCap', event.target.value)}
          error={errors.dailyCap}
        />
        <TextField
          label="Silêncio de"
          type="time"
          value={values.quietHoursStart}
          onChange={(event) => form.set('quietHoursStart', event.target.value)}
          error={errors.quietHoursStart}
        />
        <TextField
          label="até"
          type="time"
          value={values.quietHoursEnd}
          onChange={(event) => form.set('quietHoursEnd', event.target.value)}
          error={errors.quietHoursEnd}
        />
        <TextField
          label="Não repetir o cliente por (dias)"
          inputMode="numeric"
          value={values.frequencyCapDays}
          onChange={(event) => form.set('frequencyCapDays', event.target.value)}
          error={errors.frequencyCapDays}
        />
      </div>
    </MutationFormCard>
  );
}

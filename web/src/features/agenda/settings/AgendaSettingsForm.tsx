import { useCan, useMe } from '../../../app/providers';
import { fieldErrorsOf } from '../../../lib/errors';
import { trpc } from '../../../lib/trpc';
import { RadioGroup, SelectField, TextField } from '../../../ui/Field';
import { useToast } from '../../../ui/Toast';
import { CheckboxField } from '../../../ui/CheckboxField';
import { useFormValues } from '../../../ui/useFormValues';
import { MutationFormCard } from '../../../ui/MutationFormCard';
import { useNumberChecks, wholeNumber } from '../../../lib/numbers';
import type { AgendaSettings } from './types';

const FIELDS = [
  'n8nOutboundUrl',
  'notificationRoute',
  'helpdeskChannelId',
  'chatFromHelpdesk',
  'authRequestTtlHours',
  'minNoticeMinutes',
  'slotStepMinutes',
];

type Route = AgendaSettings['notificationRoute'];

/** The helpdesk's channels, when the tenant has the helpdesk on and the user may see them. */
function useHelpdeskChannels() {
  const mayRead = useCan('helpdesk.channels.read');
  const available = useMe().tenant.modules.includes('helpdesk') && mayRead;
  const channels = trpc.helpdesk.channels.list.useQuery(undefined, { enabled: available });
  return { available, channels: channels.data ?? [] };
}

/** Where client notifications go, and the rules of booking: how long a proposal waits, the minimum notice, the slot grid. */
export function AgendaSettingsForm({ settings }: { settings: AgendaSettings }) {
  const toast = useToast();
  const utils = trpc.useUtils();
  const helpdesk = useHelpdeskChannels();
  const numbers = useNumberChecks();
  const form = useFormValues({
    n8nOutboundUrl: settings.n8nOutboundUrl ?? '',
    notificationRoute: settings.notificationRoute,
    helpdeskChannelId: settings.helpdeskChannelId ?? '',
    chatFromHelpdesk: settings.chatFromHelpdesk,
    authRequestTtlHours: String(settings.authRequestTtlHours),
    minNoticeMinutes: String(settings.minNoticeMinutes),
    slotStepMinutes: String(settings.slotStepMinutes),
  });
  const update = trpc.agenda.settings.update.useMutation({
    onSuccess: (saved) => {
      toast.success('Configurações da agenda salvas');
      utils.agenda.settings.get.setData(undefined, saved);
    },
  });
  const errors = { ...fieldErrorsOf(update.error), ...numbers.errors };
  const { n8nOutboundUrl, notificationRoute, helpdeskChannelId } = form.values;
  const submit = () => {
    const typed = {
      authRequestTtlHours: wholeNumber(form.values.authRequestTtlHours),
      minNoticeMinutes: wholeNumber(form.values.minNoticeMinutes),
      slotStepMinutes: wholeNumber(form.values.slotStepMinutes),
    };
    if (!numbers.allValid(typed)) return;
    update.mutate({
      n8nOutboundUrl: n8nOutboundUrl.trim() || null,
      notificationRoute,
      ...(helpdesk.available ? { helpdeskChannelId: helpdeskChannelId || null, chatFromHelpdesk: form.values.chatFromHelpdesk } : {}),
      ...typed,
    });
  };
  const routes = [
    { value: 'n8n' as Route, label: 'Pelo n8n', description: 'Cada aviso vai para a URL de saída; o n8n envia pelo WhatsApp.' },
    {
      value: 'helpdesk' as Route,
      label: 'Por um canal do Atendimento',
      description: helpdesk.available
        ? 'Enviado pelo canal escolhido, como uma mensagem do atendimento.'
        : 'Disponível com o módulo Atendimento ligado.',
      disabled: !helpdesk.available,
    },
  ];
  return (
    <MutationFormCard
      title="Configurações da agenda"
      description="Valem para toda a empresa."
      submitLabel="Salvar configurações"
      mutation={update}
      fields={FIELDS}
      onSubmit={submit}
      testId="agenda-settings-form"
    >
      <TextField
        label="URL de saída do n8n"
        type="url"
        placeholder="https://n8n.suaempresa.com/webhook/agenda"
        {...form.bind('n8nOutboundUrl')}
        error={errors.n8nOutboundUrl}
        hint="Onde a agenda entrega os avisos aos clientes (confirmações, lembretes, ofertas)."
      />
      <RadioGroup
        legend="Avisos aos clientes"
        options={routes}
        value={notificationRoute}
        onChange={(route) => form.set('notificationRoute', route)}
      />
      {notificationRoute === 'helpdesk' && helpdesk.available && (
        <SelectField
          label="Canal do Atendimento"
          options={[
            { value: '', label: 'Escolha o canal' },
            ...helpdesk.channels.map((channel) => ({ value: channel.id, label: channel.name })),
          ]}
          {...form.bind('helpdeskChannelId')}
          error={errors.helpdeskChannelId}
        />
      )}
      {helpdesk.available && (
        <CheckboxField
          label="O agente de chat atende também pelo Atendimento"
          description="Mensagens de clientes nos canais do Atendimento passam pelo agente, que responde no mesmo ticket e propõe agendamentos."
          checked={form.values.chatFromHelpdesk}
          onChange={(checked) => form.set('chatFromHelpdesk', checked)}
        />
      )}
      <div className="grid gap-3 sm:grid-cols-3">
        <TextField
          label="Validade das autorizações (horas)"
          type="number"
          min={1}
          inputMode="numeric"
          {...form.bind('authRequestTtlHours')}
          error={errors.authRequestTtlHours}
        />
        <TextField
          label="Antecedência mínima (minutos)"
          type="number"
          min={0}
          inputMode="numeric"
          {...form.bind('minNoticeMinutes')}
          error={errors.minNoticeMinutes}
        />
        <TextField
          label="Intervalo entre horários (minutos)"
          type="number"
          min={5}
          inputMode="numeric"
          {...form.bind('slotStepMinutes')}
          error={errors.slotStepMinutes}
        />
      </div>
      <p className="text-xs text-zinc-500">
        Uma autorização não decidida expira após a validade (e nunca depois do horário proposto). Os agentes só oferecem horários com a
        antecedência mínima, de intervalo em intervalo.
      </p>
    </MutationFormCard>
  );
}

import { fieldErrorsOf } from '../../../lib/errors';
import { trpc, type RouterOutputs } from '../../../lib/trpc';
import { SelectField, TextField } from '../../../ui/Field';
import { useFormValues } from '../../../ui/useFormValues';
import type { Channel } from '../labels';
import { MutationFormCard } from '../../../ui/MutationFormCard';

const EMPTY = { name: '', channelId: '', callbackUrl: '' };
const FIELDS = Object.keys(EMPTY);

export function CreateApiConfigForm({
  channels,
  onCreated,
}: {
  channels: readonly Channel[];
  onCreated: (config: RouterOutputs['helpdesk']['apiConfigs']['create']) => void;
}) {
  const utils = trpc.useUtils();
  const form = useFormValues(EMPTY);
  const create = trpc.helpdesk.apiConfigs.create.useMutation({
    onSuccess: (config) => {
      form.reset();
      onCreated(config);
      void utils.helpdesk.apiConfigs.list.invalidate();
    },
  });
  const errors = fieldErrorsOf(create.error);
  const { callbackUrl, ...required } = form.values;
  const channelOptions = [
    { value: '', label: 'Escolha um canal…' },
    ...channels.map((channel) => ({ value: channel.id, label: channel.name })),
  ];
  return (
    <MutationFormCard
      title="Nova integração"
      description="O token e o segredo do callback aparecem uma única vez, ao criar."
      submitLabel="Criar integração"
      mutation={create}
      fields={FIELDS}
      onSubmit={() => create.mutate({ ...required, ...(callbackUrl.trim() ? { callbackUrl: callbackUrl.trim() } : {}) })}
      testId="create-api-config-form"
    >
      <TextField label="Nome" placeholder="ERP da loja" autoComplete="off" {...form.bind('name')} error={errors.name} />
      <SelectField label="Canal" options={channelOptions} {...form.bind('channelId')} error={errors.channelId} />
      <TextField
        label="URL de callback (opcional)"
        type="url"
        placeholder="https://erp.suaempresa.com/balcao/status"
        {...form.bind('callbackUrl')}
        error={errors.callbackUrl}
        hint="Recebe os status de entrega das mensagens, assinados."
      />
    </MutationFormCard>
  );
}

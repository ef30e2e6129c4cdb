import { fieldErrorsOf } from '../../../lib/errors';
import { trpc, type RouterOutputs } from '../../../lib/trpc';
import { TextField } from '../../../ui/Field';
import { useFormValues } from '../../../ui/useFormValues';
import { MutationFormCard } from '../MutationFormCard';

const EMPTY = { name: '', outboundUrl: '' };
const FIELDS = Object.keys(EMPTY);

/** A channel through n8n: Balcão posts replies to the outbound URL; n8n posts messages and statuses back. */
export function CreateChannelForm({ onCreated }: { onCreated: (channel: RouterOutputs['helpdesk']['channels']['create']) => void }) {
  const utils = trpc.useUtils();
  const form = useFormValues(EMPTY);
  const create = trpc.helpdesk.channels.create.useMutation({
    onSuccess: (channel) => {
      form.reset();
      onCreated(channel);
      void utils.helpdesk.channels.list.invalidate();
    },
  });
  const errors = fieldErrorsOf(create.error);
  return (
    <MutationFormCard
      title="Novo canal n8n"
      description="O segredo do webhook aparece uma única vez, ao criar."
      submitLabel="Criar canal"
      mutation={create}
      fields={FIELDS}
      onSubmit={() => create.mutate({ type: 'n8n', ...form.values })}
      testId="create-channel-form"
    >
      <TextField label="Nome" placeholder="WhatsApp loja" autoComplete="off" {...form.bind('name')} error={errors.name} />
      <TextField label="URL de saída (n8n)" type="url" placeholder="https://n8n.suaempresa.com/webhook/balcao" {...form.bind('outboundUrl')} error={errors.outboundUrl} hint="Onde o Balcão entrega as respostas dos atendentes." />
    </MutationFormCard>
  );
}

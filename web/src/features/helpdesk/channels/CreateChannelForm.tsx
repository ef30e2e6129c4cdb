import { fieldErrorsOf } from '../../../lib/errors';
import { trpc, type RouterInputs, type RouterOutputs } from '../../../lib/trpc';
import { RadioGroup, TextField } from '../../../ui/Field';
import { useFormValues } from '../../../ui/useFormValues';
import { CHANNEL_TYPES, type Channel } from '../labels';
import { MutationFormCard } from '../../../ui/MutationFormCard';

const EMPTY = { type: 'n8n' as Channel['type'], name: '', outboundUrl: '', phoneNumberId: '', accessToken: '', appSecret: '' };
const FIELDS = Object.keys(EMPTY);

const TYPE_OPTIONS = [
  { value: 'n8n', label: CHANNEL_TYPES.n8n, description: 'O n8n entrega as mensagens ao Balcão e envia as respostas.' },
  { value: 'whatsapp_cloud', label: CHANNEL_TYPES.whatsapp_cloud, description: 'Direto pela Meta, com o número e o token do app.' },
] as const;

type CreateChannelInput = RouterInputs['helpdesk']['channels']['create'];

/** The input for the type picked: only that type's fields go to the server. */
function inputOf({ type, name, outboundUrl, phoneNumberId, accessToken, appSecret }: typeof EMPTY): CreateChannelInput {
  return type === 'n8n' ? { type, name, outboundUrl } : { type, name, phoneNumberId, accessToken, appSecret };
}

/**
 * A channel through n8n (Balcão posts replies to the outbound URL; n8n posts messages and
 * statuses back) or through the WhatsApp Cloud API (Meta posts to the webhook; the token and
 * app secret are kept sealed, and the number is checked at once).
 */
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
  const cloud = form.values.type === 'whatsapp_cloud';
  return (
    <MutationFormCard
      title="Novo canal"
      description={
        cloud
          ? 'O token de verificação do webhook aparece uma única vez, ao criar.'
          : 'O segredo do webhook aparece uma única vez, ao criar.'
      }
      submitLabel="Criar canal"
      mutation={create}
      fields={FIELDS}
      onSubmit={() => create.mutate(inputOf(form.values))}
      testId="create-channel-form"
    >
      <RadioGroup legend="Tipo" options={TYPE_OPTIONS} value={form.values.type} onChange={(type) => form.set('type', type)} />
      <TextField label="Nome" placeholder="WhatsApp loja" autoComplete="off" {...form.bind('name')} error={errors.name} />
      {cloud ? (
        <>
          <TextField
            label="ID do número (phone number ID)"
            inputMode="numeric"
            autoComplete="off"
            {...form.bind('phoneNumberId')}
            error={errors.phoneNumberId}
            hint="No app da Meta: WhatsApp → Configuração da API."
          />
          <TextField
            label="Token de acesso"
            type="password"
            autoComplete="off"
            {...form.bind('accessToken')}
            error={errors.accessToken}
            hint="De preferência, o token permanente de um usuário do sistema."
          />
          <TextField
            label="Chave secreta do app (app secret)"
            type="password"
            autoComplete="off"
            {...form.bind('appSecret')}
            error={errors.appSecret}
            hint="Confere a assinatura das mensagens que a Meta envia."
          />
        </>
      ) : (
        <TextField
          label="URL de saída (n8n)"
          type="url"
          placeholder="https://n8n.suaempresa.com/webhook/balcao"
          {...form.bind('outboundUrl')}
          error={errors.outboundUrl}
          hint="Onde o Balcão entrega as respostas dos atendentes."
        />
      )}
    </MutationFormCard>
  );
}

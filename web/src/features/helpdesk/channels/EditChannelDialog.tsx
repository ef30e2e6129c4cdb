import { fieldErrorsOf } from '../../../lib/errors';
import { trpc } from '../../../lib/trpc';
import { TextField } from '../../../ui/Field';
import { useToast } from '../../../ui/Toast';
import { useFormValues } from '../../../ui/useFormValues';
import { FormDialog } from '../../../ui/FormDialog';
import type { Channel } from '../labels';

/** Renames a channel and, for n8n, changes where its replies go. */
export function EditChannelDialog({ channel, onClose }: { channel: Channel; onClose: () => void }) {
  const toast = useToast();
  const utils = trpc.useUtils();
  const form = useFormValues({ name: channel.name, outboundUrl: channel.outboundUrl ?? '' });
  const update = trpc.helpdesk.channels.update.useMutation({
    onSuccess: (saved) => {
      toast.success(`Canal ${saved.name} salvo`);
      void utils.helpdesk.channels.list.invalidate();
      onClose();
    },
  });
  const errors = fieldErrorsOf(update.error);
  const n8n = channel.type === 'n8n';
  const { name, outboundUrl } = form.values;
  return (
    <FormDialog
      title={`Editar ${channel.name}`}
      submitLabel="Salvar canal"
      mutation={update}
      fields={['name', 'outboundUrl']}
      onSubmit={() => update.mutate({ id: channel.id, name, ...(n8n ? { outboundUrl } : {}) })}
      onClose={onClose}
      testId="edit-channel-dialog"
    >
      <TextField label="Nome" autoComplete="off" {...form.bind('name')} error={errors.name} />
      {n8n && (
        <TextField
          label="URL de saída (n8n)"
          type="url"
          {...form.bind('outboundUrl')}
          error={errors.outboundUrl}
          hint="Onde o Balcão entrega as respostas dos atendentes."
        />
      )}
    </FormDialog>
  );
}

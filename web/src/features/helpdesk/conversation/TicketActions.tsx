import { useState } from 'react';
import { useCan } from '../../../app/providers';
import { errorMessage, fieldErrorsOf } from '../../../lib/errors';
import { trpc } from '../../../lib/trpc';
import { Button } from '../../../ui/Button';
import { SelectField, TextField } from '../../../ui/Field';
import { Banner } from '../../../ui/Layout';
import { useToast } from '../../../ui/Toast';
import { useFormValues } from '../../../ui/useFormValues';
import { FormDialog } from '../../../ui/FormDialog';
import type { TicketDetail } from '../labels';
import { parseTags } from '../tags';
import { useTeam, type Agent } from '../team';
import { TextAreaField } from '../../../ui/TextAreaField';
import { useTicketMutationCallbacks } from './ticketMutations';

type OpenDialog = 'transfer' | 'close' | 'tags' | null;

/** Aceitar, Transferir, Encerrar, Reabrir: what the ticket's status allows. The server's refusal (409) shows under the buttons. */
export function TicketActions({ ticket }: { ticket: TicketDetail }) {
  const canWrite = useCan('helpdesk.tickets.write');
  const callbacks = useTicketMutationCallbacks(ticket.id);
  const [dialog, setDialog] = useState<OpenDialog>(null);
  // The status badge and the buttons change at once: no toast to cover the reply box.
  const accept = trpc.helpdesk.tickets.accept.useMutation(callbacks());
  const reopen = trpc.helpdesk.tickets.reopen.useMutation(callbacks());
  if (!canWrite) return null;
  const failure = accept.error ?? reopen.error;
  const act = (mutation: typeof accept | typeof reopen) => {
    accept.reset();
    reopen.reset();
    mutation.mutate({ id: ticket.id });
  };
  const active = ticket.status !== 'closed';
  return (
    <div className="space-y-2">
      <div className="flex flex-wrap gap-2" role="group" aria-label="Ações do ticket">
        {ticket.status === 'pending' && (
          <Button tone="primary" size="sm" busy={accept.isPending} onClick={() => act(accept)}>
            Aceitar
          </Button>
        )}
        {active ? (
          <>
            <Button size="sm" onClick={() => setDialog('transfer')}>
              Transferir
            </Button>
            <Button size="sm" onClick={() => setDialog('close')}>
              Encerrar
            </Button>
          </>
        ) : (
          <Button tone="primary" size="sm" busy={reopen.isPending} onClick={() => act(reopen)}>
            Reabrir
          </Button>
        )}
        <Button size="sm" tone="ghost" onClick={() => setDialog('tags')}>
          Etiquetas
        </Button>
      </div>
      {failure && <Banner>{errorMessage(failure)}</Banner>}
      {dialog === 'transfer' && <TransferDialog ticket={ticket} onClose={() => setDialog(null)} />}
      {dialog === 'close' && <CloseDialog ticket={ticket} onClose={() => setDialog(null)} />}
      {dialog === 'tags' && <TagsDialog ticket={ticket} onClose={() => setDialog(null)} />}
    </div>
  );
}

/** To a queue (back to pending there), to a person (open and theirs), or both. */
function TransferDialog({ ticket, onClose }: { ticket: TicketDetail; onClose: () => void }) {
  const toast = useToast();
  const team = useTeam();
  const queues = trpc.helpdesk.queues.list.useQuery();
  const form = useFormValues({ queueId: '', userId: '' });
  const callbacks = useTicketMutationCallbacks(ticket.id);
  const transfer = trpc.helpdesk.tickets.transfer.useMutation(
    callbacks(() => {
      toast.success(`Ticket #${ticket.number} transferido`);
      onClose();
    }),
  );
  const { queueId, userId } = form.values;
  const errors = fieldErrorsOf(transfer.error);
  const queueOptions = [
    { value: '', label: ticket.queueName ? `Manter (${ticket.queueName})` : 'Sem fila' },
    ...(queues.data ?? []).map((queue) => ({ value: queue.id, label: queue.name })),
  ];
  // The target queue's members first: they are who usually takes it there.
  const inTargetQueue = (agent: Agent) => (queueId ? agent.queueIds.includes(queueId) : true);
  const agents = [...team.members.filter(inTargetQueue), ...team.members.filter((agent) => !inTargetQueue(agent))];
  const userOptions = [
    { value: '', label: 'Ninguém: fica pendente na fila' },
    ...agents.map((agent) => ({ value: agent.id, label: agent.name })),
  ];
  return (
    <FormDialog
      title={`Transferir o ticket #${ticket.number}`}
      submitLabel="Transferir"
      mutation={transfer}
      fields={['queueId', 'userId']}
      onClose={onClose}
      onSubmit={() => transfer.mutate({ id: ticket.id, ...(queueId ? { queueId } : {}), ...(userId ? { userId } : {}) })}
      testId="transfer-dialog"
    >
      <SelectField label="Fila de destino" options={queueOptions} {...form.bind('queueId')} error={errors.queueId} />
      <SelectField label="Atendente" options={userOptions} {...form.bind('userId')} error={errors.userId} />
    </FormDialog>
  );
}

function CloseDialog({ ticket, onClose }: { ticket: TicketDetail; onClose: () => void }) {
  const toast = useToast();
  const [reason, setReason] = useState('');
  const callbacks = useTicketMutationCallbacks(ticket.id);
  const close = trpc.helpdesk.tickets.close.useMutation(
    callbacks(() => {
      toast.success(`Ticket #${ticket.number} encerrado`);
      onClose();
    }),
  );
  return (
    <FormDialog
      title={`Encerrar o ticket #${ticket.number}`}
      submitLabel="Encerrar ticket"
      mutation={close}
      fields={['reason']}
      onClose={onClose}
      onSubmit={() => close.mutate({ id: ticket.id, ...(reason.trim() ? { reason: reason.trim() } : {}) })}
      testId="close-dialog"
    >
      <TextAreaField
        label="Motivo (opcional)"
        value={reason}
        onChange={(event) => setReason(event.target.value)}
        error={fieldErrorsOf(close.error).reason}
      />
    </FormDialog>
  );
}

/** The ticket's labels, which the inbox filters by. */
function TagsDialog({ ticket, onClose }: { ticket: TicketDetail; onClose: () => void }) {
  const [tags, setTags] = useState(ticket.tags.join(', '));
  const callbacks = useTicketMutationCallbacks(ticket.id);
  const save = trpc.helpdesk.tickets.setTags.useMutation(callbacks(onClose));
  return (
    <FormDialog
      title={`Etiquetas do ticket #${ticket.number}`}
      submitLabel="Salvar etiquetas"
      mutation={save}
      fields={['tags']}
      onClose={onClose}
      onSubmit={() => save.mutate({ id: ticket.id, tags: parseTags(tags) })}
      testId="tags-dialog"
    >
      <TextField
        label="Etiquetas"
        placeholder="vip, troca"
        value={tags}
        onChange={(event) => setTags(event.target.value)}
        error={fieldErrorsOf(save.error).tags}
        hint="Separadas por vírgula."
      />
    </FormDialog>
  );
}

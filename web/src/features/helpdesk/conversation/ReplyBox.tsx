import { useState, type FormEvent } from 'react';
import { useCan } from '../../../app/providers';
import { fieldErrorsOf, formErrorOf } from '../../../lib/errors';
import { trpc } from '../../../lib/trpc';
import { Button } from '../../../ui/Button';
import { TextField } from '../../../ui/Field';
import { Banner } from '../../../ui/Layout';
import { useFormValues } from '../../../ui/useFormValues';
import type { TicketDetail } from '../labels';
import { TextAreaField } from '../TextAreaField';

const EMPTY_REPLY = { body: '', mediaUrl: '' };
const FIELDS = ['body', 'mediaUrl'];

/** Text, an attachment by URL, or an internal note. Replying to a pending ticket accepts it (the server does). */
export function ReplyBox({ ticket }: { ticket: TicketDetail }) {
  const canSend = useCan('helpdesk.messages.send');
  const utils = trpc.useUtils();
  const form = useFormValues(EMPTY_REPLY);
  const [isNote, setIsNote] = useState(false);
  const [attaching, setAttaching] = useState(false);
  const send = trpc.helpdesk.messages.send.useMutation({
    onSuccess: () => {
      form.reset();
      setAttaching(false);
    },
    onSettled: () => {
      void utils.helpdesk.messages.list.invalidate({ ticketId: ticket.id });
      void utils.helpdesk.tickets.get.invalidate({ id: ticket.id });
      void utils.helpdesk.tickets.list.invalidate();
      void utils.helpdesk.tickets.counts.invalidate();
    },
  });
  if (!canSend) return null;
  if (ticket.status === 'closed') {
    return <p className="border-t border-zinc-200 px-4 py-3 text-sm text-zinc-500">Este ticket está encerrado. Reabra-o para responder.</p>;
  }
  const { body, mediaUrl } = form.values;
  const errors = fieldErrorsOf(send.error);
  const formError = formErrorOf(send.error, FIELDS);
  const submit = (event?: FormEvent) => {
    event?.preventDefault();
    send.mutate({ ticketId: ticket.id, body, ...(attaching && mediaUrl.trim() ? { mediaUrl: mediaUrl.trim() } : {}), ...(isNote ? { isNote: true } : {}) });
  };
  return (
    <form aria-label="Responder" noValidate onSubmit={submit} className={`space-y-3 border-t border-zinc-200 px-4 py-3 ${isNote ? 'bg-amber-50/60' : ''}`}>
      {formError && <Banner>{formError}</Banner>}
      <TextAreaField
        label="Mensagem"
        placeholder={isNote ? 'Nota para a equipe…' : 'Escreva a resposta…'}
        hint={isNote ? 'Nota interna: só a equipe vê; o contato não recebe.' : 'Ctrl+Enter envia.'}
        value={body}
        onChange={(event) => form.set('body', event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) submit();
        }}
        error={errors.body}
      />
      {attaching && <TextField label="Anexo (URL)" type="url" placeholder="https://exemplo.com/arquivo.pdf" {...form.bind('mediaUrl')} error={errors.mediaUrl} />}
      {/* Send on the left: toasts stack in the bottom-right corner of the screen. */}
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" tone="primary" busy={send.isPending}>
          {isNote ? 'Salvar nota' : 'Enviar'}
        </Button>
        <Button size="sm" tone="ghost" aria-pressed={attaching} onClick={() => setAttaching(!attaching)}>
          {attaching ? 'Remover anexo' : 'Anexar por URL'}
        </Button>
        <label className="inline-flex cursor-pointer items-center gap-2 text-sm text-zinc-700">
          <input type="checkbox" className="size-4 accent-amber-600" checked={isNote} onChange={(event) => setIsNote(event.target.checked)} />
          Nota interna
        </label>
      </div>
    </form>
  );
}

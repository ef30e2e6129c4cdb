import { useState, type FormEvent } from 'react';
import { useCan } from '../../../app/providers';
import { fieldErrorsOf, formErrorOf } from '../../../lib/errors';
import { trpc } from '../../../lib/trpc';
import { Button } from '../../../ui/Button';
import { Banner } from '../../../ui/Layout';
import type { TicketDetail } from '../labels';
import { TextAreaField } from '../../../ui/TextAreaField';
import { AttachmentPicker, AttachmentStatus, useAttachment } from './AttachmentPicker';
import { QuickReplyMenu, useQuickReplyPicker } from './QuickReplyPicker';

const FIELDS = ['body'];

/** Text, a file, or an internal note; `/` brings the quick replies. Replying to a pending ticket accepts it (the server does). */
export function ReplyBox({ ticket }: { ticket: TicketDetail }) {
  const canSend = useCan('helpdesk.messages.send');
  const utils = trpc.useUtils();
  const [body, setBody] = useState('');
  const [isNote, setIsNote] = useState(false);
  const attachment = useAttachment();
  const picker = useQuickReplyPicker({ body, ticketId: ticket.id, onFilled: setBody });
  const send = trpc.helpdesk.messages.send.useMutation({
    onSuccess: () => {
      setBody('');
      attachment.reset();
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
  const formError = formErrorOf(send.error, FIELDS);
  const submit = (event?: FormEvent) => {
    event?.preventDefault();
    if (attachment.isPending) return;
    send.mutate({
      ticketId: ticket.id,
      body,
      ...(attachment.data ? { mediaUrl: attachment.data.url } : {}),
      ...(isNote ? { isNote: true } : {}),
    });
  };
  return (
    <form
      aria-label="Responder"
      noValidate
      onSubmit={submit}
      className={`space-y-3 border-t border-zinc-200 px-4 py-3 ${isNote ? 'bg-amber-50/60' : ''}`}
    >
      {formError && <Banner>{formError}</Banner>}
      <TextAreaField
        label="Mensagem"
        placeholder={isNote ? 'Nota para a equipe…' : 'Escreva a resposta, ou / para uma resposta rápida…'}
        hint={isNote ? 'Nota interna: só a equipe vê; o contato não recebe.' : 'Ctrl+Enter envia; / abre as respostas rápidas.'}
        value={body}
        onChange={(event) => setBody(event.target.value)}
        onKeyDown={(event) => {
          if (picker.onKeyDown(event)) return;
          if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) submit();
        }}
        error={fieldErrorsOf(send.error).body}
        {...picker.textareaProps}
      />
      <QuickReplyMenu picker={picker} />
      <AttachmentStatus attachment={attachment} />
      {/* Send on the left: toasts stack in the bottom-right corner of the screen. */}
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" tone="primary" busy={send.isPending} disabled={attachment.isPending}>
          {isNote ? 'Salvar nota' : 'Enviar'}
        </Button>
        <AttachmentPicker attachment={attachment} />
        <label className="inline-flex cursor-pointer items-center gap-2 text-sm text-zinc-700">
          <input
            type="checkbox"
            className="size-4 accent-amber-600"
            checked={isNote}
            onChange={(event) => setIsNote(event.target.checked)}
          />
          Nota interna
        </label>
      </div>
    </form>
  );
}

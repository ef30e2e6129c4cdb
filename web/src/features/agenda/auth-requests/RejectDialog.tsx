import { useState } from 'react';
import { fieldErrorsOf } from '../../../lib/errors';
import { trpc } from '../../../lib/trpc';
import { useToast } from '../../../ui/Toast';
import { FormDialog } from '../../../ui/FormDialog';
import { TextAreaField } from '../../../ui/TextAreaField';
import type { AuthRequest } from '../labels';

/** Rejects a proposed booking, with notes if any; the held time is freed and the client told. */
export function RejectDialog({ request, onClose }: { request: AuthRequest; onClose: () => void }) {
  const toast = useToast();
  const utils = trpc.useUtils();
  const [notes, setNotes] = useState('');
  const reject = trpc.agenda.authRequests.decide.useMutation({
    onSuccess: () => {
      toast.success(`Autorização de ${request.clientName} rejeitada`);
      onClose();
    },
    onSettled: () => void utils.agenda.authRequests.list.invalidate(),
  });
  return (
    <FormDialog
      title={`Rejeitar a autorização de ${request.clientName}?`}
      submitLabel="Rejeitar"
      mutation={reject}
      fields={['notes']}
      onSubmit={() => reject.mutate({ id: request.id, decision: 'reject', ...(notes.trim() ? { notes: notes.trim() } : {}) })}
      onClose={onClose}
      testId="reject-dialog"
    >
      <TextAreaField
        label="Observações (opcional)"
        rows={3}
        value={notes}
        onChange={(event) => setNotes(event.target.value)}
        error={fieldErrorsOf(reject.error).notes}
      />
    </FormDialog>
  );
}

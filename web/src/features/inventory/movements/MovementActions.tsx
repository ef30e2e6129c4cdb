import { useState } from 'react';
import { trpc } from '../../../lib/trpc';
import { Button } from '../../../ui/Button';
import { ConfirmButton } from '../../../ui/Dialog';
import { FormDialog } from '../../../ui/FormDialog';
import { TextAreaField } from '../../../ui/TextAreaField';
import { useActionFeedback, useToast } from '../../../ui/Toast';
import { ACTION_LABELS, isLoanType } from './labels';
import type { MovementAction, MovementListItem } from './types';

type NoteAction = 'approve' | 'reject' | 'return';

const NOTE_DIALOGS: Record<NoteAction, { title: string; field: string; submit: string; done: string }> = {
  approve: { title: 'Aprovar movimentação', field: 'Observação (opcional)', submit: 'Aprovar', done: 'Movimentação aprovada' },
  reject: { title: 'Recusar movimentação', field: 'Motivo da recusa', submit: 'Recusar', done: 'Movimentação recusada' },
  return: { title: 'Registrar devolução', field: 'Estado na devolução', submit: 'Registrar devolução', done: 'Devolução registrada' },
};

function useMovementMutations() {
  const utils = trpc.useUtils();
  const onSuccess = () => {
    void utils.inventory.movements.invalidate();
    void utils.inventory.loans.list.invalidate();
  };
  return {
    approve: trpc.inventory.movements.approve.useMutation({ onSuccess }),
    reject: trpc.inventory.movements.reject.useMutation({ onSuccess }),
    return: trpc.inventory.movements.return.useMutation({ onSuccess }),
    execute: trpc.inventory.movements.execute.useMutation({ onSuccess }),
    cancel: trpc.inventory.movements.cancel.useMutation({ onSuccess }),
  };
}

/** The buttons of what the viewer may do with a movement now (the server says which), each asking first. */
export function MovementActions({ movement }: { movement: Pick<MovementListItem, 'id' | 'type' | 'actions' | 'loan' | 'asset'> }) {
  const mutations = useMovementMutations();
  const feedback = useActionFeedback();
  const toast = useToast();
  const [dialog, setDialog] = useState<NoteAction | null>(null);
  const [note, setNote] = useState('');
  const awaitingTerm = isLoanType(movement.type) && !movement.loan?.termAccepted;
  const open = (action: NoteAction) => {
    setNote('');
    mutations[action].reset();
    setDialog(action);
  };
  const submitNote = (action: NoteAction) => {
    const text = note.trim();
    const done = () => {
      setDialog(null);
      toast.success(NOTE_DIALOGS[action].done);
    };
    if (action === 'return') mutations.return.mutate({ id: movement.id, ...(text ? { condition: text } : {}) }, { onSuccess: done });
    else mutations[action].mutate({ id: movement.id, ...(text ? { note: text } : {}) }, { onSuccess: done });
  };
  const button = (action: MovementAction) => {
    if (action === 'execute')
      return (
        <ConfirmButton
          key={action}
          label={ACTION_LABELS.execute}
          title={isLoanType(movement.type) ? 'Entregar o ativo emprestado' : 'Executar a transferência'}
          message={
            isLoanType(movement.type)
              ? `${movement.asset.tag} sai agora com ${movement.loan?.borrowerName ?? 'o tomador'}.`
              : `${movement.asset.tag} passa agora para a localização de destino.`
          }
          confirmLabel={ACTION_LABELS.execute}
          tone="primary"
          onConfirm={() => feedback(() => mutations.execute.mutateAsync({ id: movement.id }), 'Movimentação executada')}
        />
      );
    if (action === 'cancel')
      return (
        <ConfirmButton
          key={action}
          label={ACTION_LABELS.cancel}
          title="Cancelar movimentação"
          message={`O pedido de ${movement.asset.tag} será cancelado.`}
          confirmLabel="Cancelar movimentação"
          onConfirm={() => feedback(() => mutations.cancel.mutateAsync({ id: movement.id }), 'Movimentação cancelada')}
        />
      );
    return (
      <Button key={action} size="sm" tone={action === 'approve' ? 'primary' : 'secondary'} onClick={() => open(action)}>
        {ACTION_LABELS[action]}
      </Button>
    );
  };
  const shown = movement.actions.filter((action) => action !== 'execute' || !awaitingTerm);
  return (
    <>
      <div className="flex flex-wrap items-center justify-end gap-1.5">
        {shown.map(button)}
        {movement.actions.includes('execute') && awaitingTerm && (
          <span className="text-xs text-amber-700" data-testid="awaiting-term">
            Entrega após o aceite do termo
          </span>
        )}
      </div>
      {dialog && (
        <FormDialog
          title={NOTE_DIALOGS[dialog].title}
          submitLabel={NOTE_DIALOGS[dialog].submit}
          mutation={mutations[dialog]}
          fields={[]}
          onSubmit={() => submitNote(dialog)}
          onClose={() => setDialog(null)}
        >
          <p>
            {movement.asset.tag} · {movement.asset.name}
          </p>
          <TextAreaField label={NOTE_DIALOGS[dialog].field} value={note} onChange={(event) => setNote(event.target.value)} />
        </FormDialog>
      )}
    </>
  );
}

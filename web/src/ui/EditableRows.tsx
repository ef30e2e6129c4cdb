import { useState } from 'react';
import { Button } from './Button';
import { ConfirmButton } from './Dialog';
import { useActionFeedback } from './Toast';

/** A list whose rows are edited in the form beside it: the row being edited, and a delete that stops editing the row it removes. */
export function useEditableRows<Row extends { id: string }>(remove: (input: { id: string }) => Promise<unknown>) {
  const [editing, setEditing] = useState<Row | null>(null);
  return {
    editing,
    edit: setEditing,
    stopEditing: () => setEditing(null),
    remove: async (row: Row) => {
      await remove({ id: row.id });
      setEditing((current) => (current?.id === row.id ? null : current));
    },
  };
}

interface EditDeleteButtonsProps {
  /** How the row is named on its buttons: "Editar Financeiro". */
  name: string;
  confirmTitle: string;
  confirmMessage: string;
  /** The toast after deleting. */
  deleted: string;
  onEdit: () => void;
  onDelete: () => Promise<unknown>;
}

/** A row's Editar and Excluir (asked first; the server's refusal as a toast). */
export function EditDeleteButtons({ name, confirmTitle, confirmMessage, deleted, onEdit, onDelete }: EditDeleteButtonsProps) {
  const feedback = useActionFeedback();
  return (
    <>
      <Button size="sm" aria-label={`Editar ${name}`} onClick={onEdit}>
        Editar
      </Button>
      <ConfirmButton
        label="Excluir"
        title={confirmTitle}
        message={confirmMessage}
        confirmLabel="Excluir"
        onConfirm={() => feedback(onDelete, deleted)}
      />
    </>
  );
}

import { useId, type ReactNode } from 'react';
import { formErrorOf } from '../lib/errors';
import { Button } from './Button';
import { Dialog } from './Dialog';
import { Banner } from './Layout';

/** What a form needs of the mutation it submits: whether it runs, and how it failed. */
export interface SubmittedMutation {
  isPending: boolean;
  error: unknown;
}

interface FormDialogProps {
  title: string;
  submitLabel: string;
  mutation: SubmittedMutation;
  /** The fields that show their own errors; the banner shows the rest. */
  fields: readonly string[];
  onSubmit: () => void;
  onClose: () => void;
  children: ReactNode;
  testId?: string;
}

/** A small form in a modal (transfer, close, edit): the fields, a banner for errors no field shows, Cancelar and the submit button. */
export function FormDialog({ title, submitLabel, mutation, fields, onSubmit, onClose, children, testId }: FormDialogProps) {
  const formId = useId();
  const error = formErrorOf(mutation.error, fields);
  const footer = (
    <>
      <Button onClick={onClose} disabled={mutation.isPending}>
        Cancelar
      </Button>
      <Button type="submit" form={formId} tone="primary" busy={mutation.isPending}>
        {submitLabel}
      </Button>
    </>
  );
  return (
    <Dialog title={title} onClose={onClose} testId={testId} footer={footer}>
      <form
        id={formId}
        aria-label={title}
        noValidate
        className="space-y-4"
        onSubmit={(event) => {
          event.preventDefault();
          onSubmit();
        }}
      >
        {error && <Banner>{error}</Banner>}
        {children}
      </form>
    </Dialog>
  );
}

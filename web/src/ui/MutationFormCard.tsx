import type { ReactNode } from 'react';
import { formErrorOf } from '../lib/errors';
import { FormCard } from './FormCard';
import type { SubmittedMutation } from './FormDialog';

interface MutationFormCardProps {
  title: string;
  description?: string;
  submitLabel: string;
  mutation: SubmittedMutation;
  /** The fields that show their own errors; the banner shows the rest. */
  fields: readonly string[];
  onSubmit: () => void;
  testId: string;
  children: ReactNode;
}

/** A FormCard whose busy state and banner come from the mutation it submits. */
export function MutationFormCard({ mutation, fields, ...card }: MutationFormCardProps) {
  return <FormCard {...card} busy={mutation.isPending} error={formErrorOf(mutation.error, fields)} />;
}

/** A chat-understanding request, as the helpdesk would send it, for the providers' tests. */
import { expect } from 'vitest';
import { z } from 'zod';
import { LlmError, type StructuredRequest } from './provider';

export const understandingSchema = z.object({
  intent: z.enum(['book', 'reschedule', 'cancel', 'other']),
  service: z.string().nullable(),
  preferredTimes: z.array(z.object({ day: z.string(), period: z.enum(['morning', 'afternoon', 'evening']) })),
  confidence: z.number().min(0).max(1),
});

export type Understanding = z.infer<typeof understandingSchema>;

export const understanding: Understanding = {
  intent: 'book',
  service: 'corte feminino',
  preferredTimes: [{ day: '2026-03-12', period: 'afternoon' }],
  confidence: 0.92,
};

export const SYSTEM_PROMPT = 'Você lê conversas de um salão e diz o que o cliente quer, em JSON.';

export function understandingRequest(overrides: Partial<StructuredRequest<Understanding>> = {}): StructuredRequest<Understanding> {
  return {
    system: SYSTEM_PROMPT,
    messages: [
      { role: 'user', content: 'Oi! Queria marcar um corte.' },
      { role: 'assistant', content: 'Claro! Para qual dia?' },
      { role: 'user', content: 'Quinta à tarde, pode ser?' },
    ],
    schema: understandingSchema,
    schemaName: 'chat_understanding',
    ...overrides,
  };
}

/** The LlmError a call failed with (the test fails when it succeeded or threw something else). */
export async function llmFailureOf(promise: Promise<unknown>): Promise<LlmError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(LlmError);
  return error as LlmError;
}

import { useState } from 'react';
import type { FieldErrors } from './errors';

/** "15" → 15; anything but digits → NaN. */
export const wholeNumber = (text: string) => (/^\s*\d+\s*$/.test(text) ? Number(text) : Number.NaN);

/**
 * Numbers typed in a form, checked before sending: a field that is not a number gets its
 * message beside it here (JSON would turn NaN into null, and the server would answer in English).
 */
export function useNumberChecks() {
  const [errors, setErrors] = useState<FieldErrors>({});
  const allValid = (numbers: Record<string, number>, messages: Partial<Record<string, string>> = {}) => {
    const invalid = Object.entries(numbers)
      .filter(([, number]) => !Number.isFinite(number))
      .map(([field]) => [field, messages[field] ?? 'Informe um número inteiro']);
    setErrors(Object.fromEntries(invalid) as FieldErrors);
    return invalid.length === 0;
  };
  return { errors, allValid };
}

import { z } from 'zod';

// Users read the messages of failed checks (the dashboard shows them beside the fields): zod's own, in Portuguese.
z.config(z.locales.pt());

// Postgres cannot store U+0000 in text or jsonb: such input is refused as bad input, not a failed write.
const NUL_MESSAGE = 'Caractere nulo (\\u0000) não é permitido';
const hasNul = (value: string) => value.includes('\u0000');

function holdsNul(value: unknown): boolean {
  if (typeof value === 'string') return hasNul(value);
  if (typeof value !== 'object' || value === null) return false;
  return Object.entries(value).some(([key, item]) => hasNul(key) || holdsNul(item));
}

/** Trimmed text that Postgres can store, within length bounds. */
export function text(bounds: { min?: number; max: number; minMessage?: string; maxMessage?: string }) {
  let schema = z.string().trim();
  if (bounds.min !== undefined) schema = schema.min(bounds.min, bounds.minMessage);
  return schema.max(bounds.max, bounds.maxMessage).refine((value) => !hasNul(value), NUL_MESSAGE);
}

/** A JSON object of settings whose keys and strings Postgres can store. */
export function jsonRecord(maxKeyLength = 100) {
  return z.record(z.string().max(maxKeyLength), z.unknown()).refine((record) => !holdsNul(record), NUL_MESSAGE);
}

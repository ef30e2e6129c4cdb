import { z } from 'zod';

export const CHAT_INTENTS = ['booking', 'inquiry', 'complaint', 'hello', 'unknown'] as const;
export type ChatIntent = (typeof CHAT_INTENTS)[number];

export const DAY_PERIODS = ['morning', 'afternoon', 'evening'] as const;
export type DayPeriod = (typeof DAY_PERIODS)[number];

/**
 * What the agent understood of one message. An LLM must answer exactly this shape (validated with chatUnderstandingSchema).
 * Every field is present and nullable rather than optional: structured-output APIs handle that best.
 */
export const chatUnderstandingSchema = z.object({
  intent: z.enum(CHAT_INTENTS),
  optOut: z.boolean(),
  booking: z
    .object({
      /** One of the catalogue's service ids, or null. */
      serviceId: z.string().nullable(),
      /** One of the catalogue's professional ids, or null. */
      professionalId: z.string().nullable(),
      /** Local date in the tenant's zone, 'YYYY-MM-DD'. */
      date: z
        .string()
        .regex(/^\d{4}-\d{2}-\d{2}$/)
        .nullable(),
      /** Local wall-clock time, 'HH:MM' (24 h). */
      time: z
        .string()
        .regex(/^([01]\d|2[0-3]):[0-5]\d$/)
        .nullable(),
      period: z.enum(DAY_PERIODS).nullable(),
    })
    .nullable(),
});

export type ChatUnderstanding = z.infer<typeof chatUnderstandingSchema>;
export type BookingUnderstanding = NonNullable<ChatUnderstanding['booking']>;

export interface ChatCatalogue {
  services: Array<{ id: string; name: string; durationMin: number; priceCents: number }>;
  professionals: Array<{ id: string; name: string }>;
}

export interface UnderstandingContext {
  now: Date;
  timeZone: string;
  catalogue: ChatCatalogue;
}

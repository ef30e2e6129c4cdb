/**
 * The one union of event types. Each domain adds its events to `EventMap` in its own
 * events.ts (declaration merging), so the platform knows no domain and the dashboard's
 * handlers are still typed end to end.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface EventMap {}

export type EventType = keyof EventMap & string;

export type AppEvent = {
  [K in EventType]: { id: string; type: K; occurredAt: string; data: EventMap[K] };
}[EventType];

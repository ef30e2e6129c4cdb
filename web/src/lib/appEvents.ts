import type { AppClient } from './trpc';

type StreamItem = Parameters<NonNullable<Parameters<AppClient['events']['stream']['subscribe']>[1]['onData']>>[0];

/** One event of the tenant's live stream, typed end to end from the server's EventMap. */
export type AppEvent = StreamItem['data'];
export type EventType = AppEvent['type'];
export type EventOf<Type extends EventType> = Extract<AppEvent, { type: Type }>;

/** Names the dashboard already knows (from cached lists), to say "Carla" rather than an id. */
export interface KnownNames {
  user(id: string): string | undefined;
  role(key: string): string | undefined;
}

export const NO_NAMES: KnownNames = { user: () => undefined, role: () => undefined };

/** How the activity feed shows one event type: its label, and one line about an event, in Portuguese. */
export interface EventDescription<Type extends EventType> {
  label: string;
  summary(event: EventOf<Type>, names: KnownNames): string;
}

/** The live events a feature describes, for the server domain that declares them. */
export interface FeatureEvents {
  domain: string;
  events: { [Type in EventType]?: EventDescription<Type> };
}

/** Declares a feature's events; each description is typed by its event. */
export function defineFeatureEvents<Type extends EventType>(
  domain: string,
  events: { [Key in Type]: EventDescription<Key> },
): FeatureEvents {
  return { domain, events: events as FeatureEvents['events'] };
}

export const when = (iso: string) => new Date(iso).toLocaleString('pt-BR', { dateStyle: 'short', timeStyle: 'short' });

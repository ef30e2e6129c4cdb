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

/**
 * Event types that only the process itself reads (declared `internal` in their domain's
 * manifest); domains add theirs here by declaration merging. The live stream never carries them.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface InternalEventTypes {}

/** An event as the live stream delivers it to a dashboard. */
export type StreamedEvent = Exclude<AppEvent, { type: keyof InternalEventTypes }>;

/**
 * How a domain declares one of its event types: the permission a viewer's role must hold to
 * receive it on the live stream (and, optionally, when it is about the viewer, who gets it anyway), or `internal` for events that only the process itself reads
 * (they never reach a dashboard).
 */
export type EventTypeDeclaration<Type extends EventType = EventType> =
  | {
      readonly readPermission: string;
      /** Whether the event is about the viewer themselves (their user, their role): then they receive it without the permission. */
      readonly aboutViewer?: (data: EventMap[Type], viewer: { userId: string; roleId: string }) => boolean;
    }
  | { readonly internal: true };

export type EventTypeDeclarations = { readonly [Type in EventType]?: EventTypeDeclaration<Type> };

import type { AppEvent, EventDescription, EventType, FeatureEvents, KnownNames } from '../lib/appEvents';
import { NO_NAMES } from '../lib/appEvents';

/** Every feature's events.ts, found by its place: a new feature folder brings its events along. */
const declared = import.meta.glob<FeatureEvents>('./*/events.ts', { eager: true, import: 'default' });

export const FEATURE_EVENTS: Readonly<Record<string, FeatureEvents>> = Object.fromEntries(
  Object.entries(declared).map(([file, events]) => [file.split('/')[1]!, events]),
);

const descriptions = new Map<string, EventDescription<EventType>>(
  Object.values(FEATURE_EVENTS).flatMap((feature) => Object.entries(feature.events) as [string, EventDescription<EventType>][]),
);

/** The feed's name for an event type; the type itself for one no feature describes. */
export function eventLabel(type: EventType): string {
  return descriptions.get(type)?.label ?? type;
}

/** One line about what happened, in Portuguese. */
export function summarizeEvent(event: AppEvent, names: KnownNames = NO_NAMES): string {
  return descriptions.get(event.type)?.summary(event, names) ?? '';
}

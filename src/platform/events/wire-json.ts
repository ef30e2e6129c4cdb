/**
 * JSON computed once for values that many subscribers are sent: the hub hands one event object
 * to every subscription of its tenant, so its JSON is the same for all of them. The WebSocket
 * encoder (src/trpc/ws-encoder.ts) splices the stored JSON into each frame instead of serialising
 * the event once per subscriber. Values given here must not change afterwards.
 */
const stored = new WeakMap<object, string>();

/** The value's JSON, computed at the first call and kept while the value lives. */
export function jsonOnce(value: object): string {
  let json = stored.get(value);
  if (json === undefined) {
    json = JSON.stringify(value);
    stored.set(value, json);
  }
  return json;
}

/** A group of events to send as `{ events: [...] }`, its JSON assembled from each event's. */
export function eventGroup<Event extends object>(events: Event[]): { events: Event[] } {
  const group = { events };
  stored.set(group, `{"events":[${events.map(jsonOnce).join(',')}]}`);
  return group;
}

/** The JSON stored for a value by jsonOnce or eventGroup, if any. */
export function storedJson(value: unknown): string | undefined {
  return typeof value === 'object' && value !== null ? stored.get(value) : undefined;
}

import { describe, expect, it } from 'vitest';
import { domainModules } from '../../src/domains/modules';
import { eventLabel, FEATURE_EVENTS, summarizeEvent } from '../../web/src/features/events';
import type { AppEvent, EventType } from '../../web/src/lib/appEvents';

/** The event types a domain streams to the dashboard (internal ones never leave the server). */
const eventTypesOf = (module: (typeof domainModules)[number]) =>
  Object.entries(module.eventTypes)
    .filter(([, declaration]) => !('internal' in declaration))
    .map(([type]) => type as EventType);

describe('live event labels', () => {
  it('every event type a domain exports has a label in an events.ts that declares that domain', () => {
    const missing = domainModules.flatMap((module) => {
      const features = Object.values(FEATURE_EVENTS).filter((feature) => feature.domain === module.name);
      return eventTypesOf(module)
        .filter((type) => !features.some((feature) => typeof feature.events[type]?.label === 'string' && feature.events[type].label !== ''))
        .map((type) => `${module.name}: ${type}`);
    });
    expect(missing).toEqual([]);
  });

  it('a feature describes only events its domain declares, and no type twice', () => {
    const declaredBy = new Map(domainModules.flatMap((module) => eventTypesOf(module).map((type) => [type as string, module.name])));
    const described = Object.entries(FEATURE_EVENTS).flatMap(([feature, events]) =>
      Object.keys(events.events).map((type) => ({ feature, type, domain: events.domain })),
    );
    expect(described.filter(({ type, domain }) => declaredBy.get(type) !== domain)).toEqual([]);
    const types = described.map(({ type }) => type);
    expect(types.filter((type, index) => types.indexOf(type) !== index)).toEqual([]);
  });

  it('collects the features by folder and summarizes with the known names', () => {
    expect(Object.keys(FEATURE_EVENTS)).toEqual(expect.arrayContaining(['agenda', 'api-tokens', 'helpdesk', 'users']));
    expect(eventLabel('ticket.created')).toBe('Novo ticket');
    const event = { type: 'queue.members_changed', data: { memberIds: ['u1', 'u2'] } } as unknown as AppEvent;
    expect(summarizeEvent(event, { user: (id) => (id === 'u1' ? 'Carla' : undefined), role: () => undefined })).toBe(
      'membros: Carla, usuário',
    );
  });
});

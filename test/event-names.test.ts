import { describe, expect, it } from 'vitest';
import { domainCatalogue } from '../src/domains/modules';

/** Event types that shipped before the naming rule; the seeds' own names (appointment_created, …) stay as they are. */
const NAMED_BEFORE_THE_RULE = new Set([
  'agenda.catalogue_changed',
  'agenda.settings_changed',
  'ai_response',
  'api_token.created',
  'api_token.revoked',
  'appointment_created',
  'appointment_updated',
  'auth_request_created',
  'auth_request_resolved',
  'campaign_completed',
  'channel.status_changed',
  'message.created',
  'message.status_changed',
  'notification_sent',
  'queue.members_changed',
  'quick_reply.changed',
  'role.updated',
  'tenant.updated',
  'ticket.created',
  'ticket.updated',
  'user.created',
  'user.updated',
]);

describe('event names', () => {
  it('every event added since is <domain>.<entity>.<verb>, with a declared domain', () => {
    const domains = new Set(['identity', 'helpdesk', 'agenda', 'queue', 'usage', 'inventory', 'platform']);
    const misnamed = domainCatalogue.eventTypes.filter((type) => {
      if (NAMED_BEFORE_THE_RULE.has(type)) return false;
      const parts = type.split('.');
      return parts.length !== 3 || !domains.has(parts[0]!) || !parts.every((part) => /^[a-z][a-z_]*$/.test(part));
    });
    expect(misnamed).toEqual([]);
  });

  it('no two domains declare the same event type', () => {
    const types = domainCatalogue.eventTypes;
    expect(types.filter((type, index) => types.indexOf(type) !== index)).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { eventGroup, jsonOnce } from '../platform/events/wire-json';
import { subscriptionEncoder } from './ws-encoder';

/** A subscription item as tRPC's WebSocket adapter hands it to the encoder (after transformTRPCResponse). */
function trackedItem(subscriptionId: number | string, eventId: string, payload: unknown, jsonrpc?: '2.0') {
  return { id: subscriptionId, jsonrpc, result: { type: 'data', data: { id: eventId, data: payload }, id: eventId } };
}

const event = (id: string, label: string) => ({
  id,
  type: 'tenant.updated',
  occurredAt: '2026-12-07T12:00:00.000Z',
  data: { tenantId: 't', changes: [label, 'aspas " e \\ barra', 'acentuação ✓'] },
});

describe('subscriptionEncoder', () => {
  it('writes the same frame as JSON.stringify for an event whose JSON was made once', () => {
    const one = event('41', 'one');
    jsonOnce(one);
    for (const item of [trackedItem(1, '41', one), trackedItem('sub-7', '41', one, '2.0')]) {
      expect(subscriptionEncoder.encode(item)).toBe(JSON.stringify(item));
    }
  });

  it('writes a group as { events: [...] }, the same as JSON.stringify would', () => {
    const group = eventGroup([event('42', 'a'), event('43', 'b')]);
    const item = trackedItem(3, '43', group);
    expect(subscriptionEncoder.encode(item)).toBe(JSON.stringify(item));
    expect(JSON.parse(subscriptionEncoder.encode(item) as string)).toEqual({
      id: 3,
      result: { type: 'data', id: '43', data: { id: '43', data: { events: [event('42', 'a'), event('43', 'b')] } } },
    });
  });

  it('serialises everything else as tRPC does', () => {
    const plain = trackedItem(1, '44', event('44', 'never stored'));
    const started = { id: 1, result: { type: 'started' } };
    const failed = { id: 2, error: { message: 'x', code: -32600 } };
    for (const message of [plain, started, failed, { id: null, method: 'reconnect' }]) {
      expect(subscriptionEncoder.encode(message)).toBe(JSON.stringify(message));
    }
    expect(subscriptionEncoder.decode('{"id":1,"method":"subscription.stop"}')).toEqual({ id: 1, method: 'subscription.stop' });
  });
});

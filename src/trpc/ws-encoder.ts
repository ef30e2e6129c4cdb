import { jsonEncoder, type Encoder } from '@trpc/server/adapters/ws';
import { storedJson } from '../platform/events/wire-json';

interface DataMessage {
  id: number | string | null;
  jsonrpc?: string;
  result: { type: 'data'; id?: string; data: { id: string; data: unknown } | unknown };
}

function isTrackedData(message: unknown): message is DataMessage & { result: { id: string; data: { id: string; data: unknown } } } {
  const result = (message as Partial<DataMessage> | null)?.result;
  return result?.type === 'data' && typeof result.id === 'string';
}

/**
 * tRPC's JSON wire format, with one shortcut: a tracked subscription item whose payload's JSON
 * was computed once for all its subscribers (platform/events/wire-json.ts) is spliced in, not
 * serialised again per subscriber. The frame is the same JSON that JSON.stringify writes, keys in
 * the same order.
 */
export const subscriptionEncoder: Encoder = {
  encode(message) {
    if (isTrackedData(message)) {
      const payload = storedJson(message.result.data.data);
      if (payload !== undefined) {
        const id = JSON.stringify(message.result.id);
        const jsonrpc = message.jsonrpc === undefined ? '' : `"jsonrpc":${JSON.stringify(message.jsonrpc)},`;
        return `{"id":${JSON.stringify(message.id)},${jsonrpc}"result":{"type":"data","data":{"id":${id},"data":${payload}},"id":${id}}}`;
      }
    }
    return jsonEncoder.encode(message);
  },
  decode: (data) => jsonEncoder.decode(data),
};

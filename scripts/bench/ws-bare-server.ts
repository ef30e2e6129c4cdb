import { Redis } from 'ioredis';
import { WebSocketServer, type WebSocket } from 'ws';

/**
 * bench:ws's baseline: a bare `ws` server in its own process that broadcasts, to every client,
 * each event published on a Redis channel, in the bytes of a tRPC subscription data frame
 * (`{"id":<subscription>,"result":{"type":"data","id":<event id>,"data":{"id":…,"data":<event>}}}`),
 * one send per event per client. It answers just enough of tRPC's WebSocket protocol (the
 * subscription request gets `started`, PING gets PONG) for @trpc/client's wsLink to subscribe,
 * so the baseline's 1,000 clients are exactly the clients of the measured run. It checks no token,
 * runs no procedure and filters nothing: the floor under any subscription server.
 *
 * Config (JSON, first argument): { "redisUrl": "...", "channel": "..." }. Prints one JSON line,
 * { "port": n }, once it listens and is subscribed; stops on SIGTERM.
 */

interface Config {
  redisUrl: string;
  channel: string;
}

interface ClientMessage {
  id?: number | string | null;
  method?: string;
}

const config = JSON.parse(process.argv[2] ?? '{}') as Config;
if (!config.redisUrl || !config.channel) {
  console.error('usage: ws-bare-server.ts \'{"redisUrl":"redis://…","channel":"…"}\'');
  process.exit(2);
}

/** Open subscriptions: socket → the ids its client gave its subscription requests. */
const subscriptions = new Map<WebSocket, Set<number | string>>();
const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });

wss.on('connection', (socket) => {
  const ids = new Set<number | string>();
  subscriptions.set(socket, ids);
  socket.on('message', (raw, isBinary) => {
    const text = raw.toString();
    if (!isBinary && text === 'PING') return void socket.send('PONG');
    if (!isBinary && text === 'PONG') return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return void socket.close(1003, 'not JSON');
    }
    for (const message of (Array.isArray(parsed) ? parsed : [parsed]) as ClientMessage[]) {
      if (message.id === undefined || message.id === null) continue; // connectionParams: no token is checked here
      if (message.method === 'subscription') {
        ids.add(message.id);
        socket.send(JSON.stringify({ id: message.id, result: { type: 'started' } }));
      } else if (message.method === 'subscription.stop') {
        ids.delete(message.id);
        socket.send(JSON.stringify({ id: message.id, result: { type: 'stopped' } }));
      }
    }
  });
  socket.once('close', () => subscriptions.delete(socket));
});

const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 1 });
redis.on('message', (_channel: string, eventJson: string) => {
  const eventId = (JSON.parse(eventJson) as { id: string }).id;
  const idJson = JSON.stringify(eventId);
  // The frame differs between clients only by the subscription id; built once per id in use.
  const frames = new Map<number | string, string>();
  for (const [socket, ids] of subscriptions) {
    for (const id of ids) {
      let frame = frames.get(id);
      if (frame === undefined) {
        frame = `{"id":${JSON.stringify(id)},"result":{"type":"data","id":${idJson},"data":{"id":${idJson},"data":${eventJson}}}}`;
        frames.set(id, frame);
      }
      socket.send(frame);
    }
  }
});

await new Promise<void>((resolve, reject) => {
  wss.once('listening', resolve);
  wss.once('error', reject);
});
await redis.subscribe(config.channel);
console.log(JSON.stringify({ port: (wss.address() as { port: number }).port }));

process.once('SIGTERM', () => {
  for (const socket of wss.clients) socket.terminate();
  wss.close();
  redis.disconnect();
  process.exit(0);
});

import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest<Payload = unknown> {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  payload: Payload;
}

export type Reply = { status: number; json?: unknown; headers?: Record<string, string> } | 'hang';

/** A real HTTP receiver on 127.0.0.1 (standing in for n8n or a tenant's webhook) that records what it gets and answers as the test says. */
export class TestReceiver<Payload = unknown> {
  readonly requests: Array<ReceivedRequest<Payload>> = [];
  reply: (request: ReceivedRequest<Payload>) => Reply | Promise<Reply> = () => ({ status: 200 });
  #server: Server | undefined;

  async start(): Promise<string> {
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', async () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const request = {
          method: req.method ?? 'GET',
          url: req.url ?? '/',
          headers: req.headers,
          body,
          payload: (body ? JSON.parse(body) : undefined) as Payload,
        };
        this.requests.push(request);
        const reply = await this.reply(request);
        if (reply === 'hang') return;
        res.writeHead(reply.status, { ...reply.headers, ...(reply.json === undefined ? {} : { 'content-type': 'application/json' }) });
        res.end(reply.json === undefined ? undefined : JSON.stringify(reply.json));
      });
    });
    await new Promise<void>((resolve) => this.#server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  reset(): void {
    this.requests.length = 0;
    this.reply = () => ({ status: 200 });
  }

  async close(): Promise<void> {
    this.#server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.#server ? this.#server.close(() => resolve()) : resolve()));
  }
}

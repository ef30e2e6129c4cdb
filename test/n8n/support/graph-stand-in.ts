import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A message n8n's WhatsApp node sent to the Graph API. */
export interface SentMessage {
  phoneNumberId: string;
  authorization: string | undefined;
  to: string;
  text: string | undefined;
  answeredId: string | null;
}

/**
 * Meta's Graph API as the WhatsApp nodes use it, on loopback: the app token and webhook
 * subscriptions the WhatsApp Trigger asks for when activated, and `/{phone-number-id}/messages`
 * for sends. A send to a number in `failingRecipients` is refused as Meta refuses one
 * (400, `error.message`); every other send is recorded and answered with a new message id.
 */
export class GraphStandIn {
  readonly sent: SentMessage[] = [];
  /** Recipients (digits only, as the WhatsApp node sends them) whose sends Meta refuses. */
  readonly failingRecipients = new Set<string>();
  private server: Server | undefined;
  private nextId = 0;

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      void readBody(req).then((body) => {
        const { status, json } = this.answer(req, body);
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private answer(req: IncomingMessage, body: string): { status: number; json: unknown } {
    const path = new URL(req.url ?? '/', 'http://graph').pathname.replace(/^\/v\d+\.\d+/, '');
    if (path === '/oauth/access_token') return { status: 200, json: { access_token: 'stand-in-app-token', token_type: 'bearer' } };
    if (/^\/[^/]+\/subscriptions$/.test(path)) return { status: 200, json: req.method === 'GET' ? { data: [] } : { success: true } };
    const send = /^\/([^/]+)\/messages$/.exec(path);
    if (send && req.method === 'POST') return this.recordSend(send[1]!, req.headers.authorization, body);
    return { status: 404, json: { error: { message: `stand-in: no route for ${req.method} ${path}`, code: 100 } } };
  }

  private recordSend(phoneNumberId: string, authorization: string | undefined, raw: string): { status: number; json: unknown } {
    const payload = parseForm(raw);
    const to = String(payload.to ?? '');
    const text = typeof payload.text === 'object' && payload.text ? String((payload.text as { body?: unknown }).body) : undefined;
    if (this.failingRecipients.has(to)) {
      this.sent.push({ phoneNumberId, authorization, to, text, answeredId: null });
      return { status: 400, json: { error: { message: '(#131026) Message undeliverable', type: 'OAuthException', code: 131026 } } };
    }
    this.nextId += 1;
    const id = `wamid.STANDIN${String(this.nextId).padStart(4, '0')}`;
    this.sent.push({ phoneNumberId, authorization, to, text, answeredId: id });
    return {
      status: 200,
      json: { messaging_product: 'whatsapp', contacts: [{ input: to, wa_id: to.replace(/\D/g, '') }], messages: [{ id }] },
    };
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

/** The WhatsApp node posts JSON; anything else is read as an empty body. */
function parseForm(raw: string): Record<string, unknown> {
  try {
    return JSON.parse(raw) as Record<string, unknown>;
  } catch {
    return {};
  }
}

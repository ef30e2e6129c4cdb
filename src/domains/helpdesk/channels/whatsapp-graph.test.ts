import { createHash } from 'node:crypto';
import { inspect } from 'node:util';
import { delay, http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { OutboundMessage } from './provider';
import { WhatsappApiError, WhatsappCloudClient } from './whatsapp-graph';
import { CUSTOMER_WA_ID, messages, PHONE_NUMBER_ID, wamid } from './whatsapp-cloud.fixtures';

const GRAPH = 'https://graph.facebook.com/v21.0';
const ACCESS_TOKEN = 'EAAGm0PX4ZCpsBAKZAtestAccessToken0123456789abcdef';

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

function client(options: Partial<ConstructorParameters<typeof WhatsappCloudClient>[0]> = {}) {
  return new WhatsappCloudClient({ phoneNumberId: PHONE_NUMBER_ID, accessToken: ACCESS_TOKEN, ...options });
}

/** Registers a send handler that records what Meta would have received. */
function captureSend(
  reply: () => Response = () =>
    HttpResponse.json({
      messaging_product: 'whatsapp',
      contacts: [{ input: '5511987654321', wa_id: CUSTOMER_WA_ID }],
      messages: [{ id: wamid('SENT01') }],
    }),
) {
  const received: { body: unknown; authorization: string | null; contentType: string | null }[] = [];
  server.use(
    http.post(`${GRAPH}/${PHONE_NUMBER_ID}/messages`, async ({ request }) => {
      received.push({
        body: await request.json(),
        authorization: request.headers.get('authorization'),
        contentType: request.headers.get('content-type'),
      });
      return reply();
    }),
  );
  return received;
}

function graphError(status: number, error: Record<string, unknown>, headers: Record<string, string> = {}) {
  return () => HttpResponse.json({ error: { fbtrace_id: 'AbCdEfGhIjKlMnOp', ...error } }, { status, headers });
}

const outbound = (overrides: Partial<OutboundMessage> = {}): OutboundMessage => ({
  messageId: '0b9f6a64-5a0e-4d1e-9f3b-2f1f0c7d8e9a',
  ticketId: '6f1c2b3a-1d2e-4f5a-8b9c-0d1e2f3a4b5c',
  to: '+5511987654321',
  body: 'Olá, Maria! Seu horário está confirmado.',
  ...overrides,
});

async function sendError(promise: Promise<unknown>): Promise<WhatsappApiError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(WhatsappApiError);
  return error as WhatsappApiError;
}

describe('WhatsappCloudClient.send', () => {
  it('sends text with the bearer token and returns the wamid', async () => {
    const received = captureSend();
    const receipt = await client().send(outbound());
    expect(receipt).toEqual({ externalId: wamid('SENT01') });
    expect(received).toEqual([
      {
        authorization: `Bearer ${ACCESS_TOKEN}`,
        contentType: 'application/json',
        body: {
          messaging_product: 'whatsapp',
          recipient_type: 'individual',
          to: '5511987654321',
          type: 'text',
          text: { body: 'Olá, Maria! Seu horário está confirmado.', preview_url: false },
        },
      },
    ]);
  });

  it('asks for a link preview only when the text has a link', async () => {
    const received = captureSend();
    await client().send(outbound({ body: 'Agende aqui: https://balcao.example/agenda' }));
    expect(received[0]!.body).toMatchObject({ text: { body: 'Agende aqui: https://balcao.example/agenda', preview_url: true } });
  });

  it('sends an image by link with the body as caption', async () => {
    const received = captureSend();
    await client().send(
      outbound({
        body: 'Seu comprovante',
        media: { kind: 'image', url: 'https://files.balcao.example/t/abc/recibo.jpg', mimeType: 'image/jpeg' },
      }),
    );
    expect(received[0]!.body).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '5511987654321',
      type: 'image',
      image: { link: 'https://files.balcao.example/t/abc/recibo.jpg', caption: 'Seu comprovante' },
    });
  });

  it('sends a document with its file name and caption', async () => {
    const received = captureSend();
    await client().send(
      outbound({
        body: 'Orçamento atualizado',
        media: {
          kind: 'document',
          url: 'https://files.balcao.example/t/abc/9f8e7d',
          fileName: 'Orçamento 2025-06.pdf',
          mimeType: 'application/pdf',
        },
      }),
    );
    expect(received[0]!.body).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '5511987654321',
      type: 'document',
      document: { link: 'https://files.balcao.example/t/abc/9f8e7d', filename: 'Orçamento 2025-06.pdf', caption: 'Orçamento atualizado' },
    });
  });

  it('names a document after its URL when no file name is given, and sends audio and video by link', async () => {
    const received = captureSend();
    await client().send(
      outbound({ body: undefined, media: { kind: 'document', url: 'https://files.balcao.example/docs/contrato%20final.pdf' } }),
    );
    await client().send(outbound({ body: undefined, media: { kind: 'audio', url: 'https://files.balcao.example/a/recado.ogg' } }));
    await client().send(outbound({ body: 'Como aplicar', media: { kind: 'video', url: 'https://files.balcao.example/v/tutorial.mp4' } }));
    expect(received.map((item) => item.body)).toMatchObject([
      { type: 'document', document: { link: 'https://files.balcao.example/docs/contrato%20final.pdf', filename: 'contrato final.pdf' } },
      { type: 'audio', audio: { link: 'https://files.balcao.example/a/recado.ogg' } },
      { type: 'video', video: { link: 'https://files.balcao.example/v/tutorial.mp4', caption: 'Como aplicar' } },
    ]);
    expect(received[1]!.body).not.toHaveProperty('audio.caption');
  });

  it('sends a reply with context.message_id', async () => {
    const received = captureSend();
    await client().send(outbound({ body: 'Sim, abrimos às 9h.', quotedExternalId: messages.text.id }));
    expect(received[0]!.body).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '5511987654321',
      context: { message_id: messages.text.id },
      type: 'text',
      text: { body: 'Sim, abrimos às 9h.', preview_url: false },
    });
  });

  it('honours graphVersion and baseUrl', async () => {
    let url = '';
    server.use(
      http.post('https://graph.internal.example/v23.0/:phoneNumberId/messages', ({ request }) => {
        url = request.url;
        return HttpResponse.json({ messages: [{ id: wamid('SENT02') }] });
      }),
    );
    const receipt = await client({ graphVersion: 'v23.0', baseUrl: 'https://graph.internal.example/' }).send(outbound());
    expect(receipt.externalId).toBe(wamid('SENT02'));
    expect(url).toBe(`https://graph.internal.example/v23.0/${PHONE_NUMBER_ID}/messages`);
  });

  it('refuses locally, without a request, what WhatsApp cannot carry', async () => {
    const received = captureSend();
    for (const message of [
      outbound({ body: '   ' }),
      outbound({ to: '+55' }),
      outbound({ body: 'x'.repeat(4097) }),
      outbound({ body: 'ouça', media: { kind: 'audio', url: 'https://files.balcao.example/a.ogg' } }),
      outbound({ media: { kind: 'image', url: 'ftp://files.balcao.example/a.jpg' } }),
    ]) {
      const error = await sendError(client().send(message));
      expect(error).toMatchObject({ kind: 'invalid_request', retryable: false });
    }
    expect(received).toEqual([]);
  });

  it('returns a receipt without id when Meta took the message but answered oddly', async () => {
    captureSend(() => HttpResponse.json({ messaging_product: 'whatsapp' }));
    expect(await client().send(outbound())).toEqual({});
  });
});

describe('WhatsappCloudClient errors', () => {
  it('429 is retryable, with Retry-After', async () => {
    captureSend(graphError(429, { message: '(#130429) Rate limit hit', type: 'OAuthException', code: 130429 }, { 'Retry-After': '30' }));
    const error = await sendError(client().send(outbound()));
    expect(error).toMatchObject({
      kind: 'http',
      status: 429,
      code: 130429,
      retryable: true,
      retryAfterSeconds: 30,
      fbtraceId: 'AbCdEfGhIjKlMnOp',
    });
    expect(error.message).toContain('Rate limit hit');
  });

  it("Meta's throttling codes are retryable whatever the status", async () => {
    for (const code of [4, 80007, 130429, 131048, 131056]) {
      captureSend(graphError(400, { message: `(#${code}) throttled`, type: 'OAuthException', code }));
      expect(await sendError(client().send(outbound())), String(code)).toMatchObject({ code, retryable: true });
    }
  });

  it('code 190 (expired token) is not retryable and says why', async () => {
    captureSend(
      graphError(401, {
        message: 'Error validating access token: Session has expired on Friday, 06-Jun-25 10:00:00 PDT.',
        type: 'OAuthException',
        code: 190,
        error_subcode: 463,
      }),
    );
    const error = await sendError(client().send(outbound()));
    expect(error).toMatchObject({ kind: 'http', status: 401, code: 190, subcode: 463, type: 'OAuthException', retryable: false });
    expect(error.message).toContain('Error validating access token');
    expect(error.message).toContain('190');
  });

  it('permanent recipient and parameter errors are not retryable', async () => {
    for (const code of [100, 131026, 131047]) {
      captureSend(
        graphError(400, {
          message: `(#${code}) refused`,
          type: 'OAuthException',
          code,
          error_data: { messaging_product: 'whatsapp', details: 'details here' },
        }),
      );
      const error = await sendError(client().send(outbound()));
      expect(error, String(code)).toMatchObject({ code, retryable: false, details: 'details here' });
    }
    // Code 3 (capability) comes with HTTP 500, and retrying will not help.
    captureSend(
      graphError(500, { message: '(#3) Application does not have the capability to make this API call.', type: 'OAuthException', code: 3 }),
    );
    expect(await sendError(client().send(outbound()))).toMatchObject({ status: 500, code: 3, retryable: false });
  });

  it('500 is retryable, with or without a Graph error body', async () => {
    captureSend(graphError(500, { message: 'An unknown error occurred', type: 'OAuthException', code: 1 }));
    expect(await sendError(client().send(outbound()))).toMatchObject({ status: 500, code: 1, retryable: true });
    captureSend(
      () => new HttpResponse('<html><body>502 Bad Gateway</body></html>', { status: 502, headers: { 'Content-Type': 'text/html' } }),
    );
    const gateway = await sendError(client().send(outbound()));
    expect(gateway).toMatchObject({ kind: 'http', status: 502, code: undefined, retryable: true });
    expect(gateway.message).toContain('502');
  });

  it('a network error is retryable', async () => {
    captureSend(() => HttpResponse.error());
    expect(await sendError(client().send(outbound()))).toMatchObject({ kind: 'network', status: undefined, retryable: true });
  });

  it('a timeout is retryable', async () => {
    server.use(
      http.post(`${GRAPH}/${PHONE_NUMBER_ID}/messages`, async () => {
        await delay('infinite');
        return HttpResponse.json({});
      }),
    );
    const error = await sendError(client({ timeoutMs: 50 }).send(outbound()));
    expect(error).toMatchObject({ kind: 'timeout', retryable: true });
    expect(error.message).toContain('50 ms');
  });

  it('never puts the access token in an error, even when Meta echoes it', async () => {
    const failures: (() => Response)[] = [
      graphError(400, {
        message: `Malformed access token ${ACCESS_TOKEN}`,
        type: 'OAuthException',
        code: 190,
        error_data: { details: `token ${ACCESS_TOKEN} rejected` },
      }),
      () => new HttpResponse(`upstream said: Authorization: Bearer ${ACCESS_TOKEN}`, { status: 503 }),
      () => HttpResponse.error(),
    ];
    for (const failure of failures) {
      server.use(http.post(`${GRAPH}/${PHONE_NUMBER_ID}/messages`, failure), http.get(`${GRAPH}/${PHONE_NUMBER_ID}`, failure));
      const error = await sendError(client().send(outbound()));
      for (const text of [error.message, error.details ?? '', error.stack ?? '', inspect(error, { depth: 5 }), JSON.stringify(error)]) {
        expect(text).not.toContain(ACCESS_TOKEN);
      }
      const check = await client().checkConnection();
      expect(JSON.stringify(check)).not.toContain(ACCESS_TOKEN);
    }
    expect(inspect(client(), { depth: 5 })).not.toContain(ACCESS_TOKEN);
    expect(JSON.stringify(client())).not.toContain(ACCESS_TOKEN);
  });
});

describe('WhatsappCloudClient media', () => {
  const MEDIA_ID = '1234567890123456';
  const LOOKASIDE = 'https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1234567890123456&ext=1749420000&hash=ATsX';
  const bytes = Buffer.from('%PDF-1.7 fake pdf bytes for the test');

  function serveMedia(file: Buffer, info: Record<string, unknown> = {}) {
    const downloads: (string | null)[] = [];
    server.use(
      http.get(`${GRAPH}/${MEDIA_ID}`, ({ request }) => {
        expect(request.headers.get('authorization')).toBe(`Bearer ${ACCESS_TOKEN}`);
        return HttpResponse.json({
          messaging_product: 'whatsapp',
          url: LOOKASIDE,
          mime_type: 'application/pdf',
          sha256: createHash('sha256').update(file).digest('hex'),
          file_size: file.length,
          id: MEDIA_ID,
          ...info,
        });
      }),
      http.get('https://lookaside.fbsbx.com/whatsapp_business/attachments/', ({ request }) => {
        downloads.push(request.headers.get('authorization'));
        return new HttpResponse(file, { headers: { 'Content-Type': 'application/pdf', 'Content-Length': String(file.length) } });
      }),
    );
    return downloads;
  }

  it('resolves a media id to its download URL', async () => {
    serveMedia(bytes, { file_size: String(bytes.length) });
    expect(await client().mediaUrl(MEDIA_ID)).toEqual({
      url: LOOKASIDE,
      mimeType: 'application/pdf',
      sha256: createHash('sha256').update(bytes).digest('hex'),
      sizeBytes: bytes.length,
    });
  });

  it('downloads the file with the bearer token', async () => {
    const downloads = serveMedia(bytes);
    const media = await client().downloadMedia(MEDIA_ID, { maxBytes: 1024 });
    expect(media.data.equals(bytes)).toBe(true);
    expect(media).toMatchObject({
      mimeType: 'application/pdf',
      sizeBytes: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    });
    expect(downloads).toEqual([`Bearer ${ACCESS_TOKEN}`]);
  });

  it('refuses a file over maxBytes before downloading it', async () => {
    const downloads = serveMedia(Buffer.alloc(2048, 1));
    const error = await sendError(client().downloadMedia(MEDIA_ID, { maxBytes: 1024 }));
    expect(error).toMatchObject({ kind: 'too_large', retryable: false });
    expect(error.message).toContain('2048');
    expect(downloads).toEqual([]);
  });

  it('refuses a body over maxBytes even when the declared size lies', async () => {
    serveMedia(Buffer.alloc(4096, 1), { file_size: 100 });
    server.use(
      http.get('https://lookaside.fbsbx.com/whatsapp_business/attachments/', () => {
        const stream = new ReadableStream<Uint8Array>({
          start(controller) {
            for (let i = 0; i < 8; i += 1) controller.enqueue(new Uint8Array(512));
            controller.close();
          },
        });
        return new HttpResponse(stream, { headers: { 'Content-Type': 'application/pdf' } });
      }),
    );
    expect(await sendError(client().downloadMedia(MEDIA_ID, { maxBytes: 1024 }))).toMatchObject({ kind: 'too_large', retryable: false });
  });

  it('refuses a download whose Content-Length is over maxBytes', async () => {
    // Graph API does not tell the size here; the download's header does.
    serveMedia(Buffer.alloc(4096, 1), { file_size: undefined });
    expect(await sendError(client().downloadMedia(MEDIA_ID, { maxBytes: 1024 }))).toMatchObject({
      kind: 'too_large',
      message: expect.stringContaining('4096'),
    });
  });

  it('reports an expired or unknown media id as a Graph error', async () => {
    server.use(
      http.get(
        `${GRAPH}/${MEDIA_ID}`,
        graphError(400, {
          message: 'Unsupported get request. Object does not exist',
          type: 'GraphMethodException',
          code: 100,
          error_subcode: 33,
        }),
      ),
    );
    expect(await sendError(client().downloadMedia(MEDIA_ID, { maxBytes: 1024 }))).toMatchObject({
      kind: 'http',
      code: 100,
      retryable: false,
    });
  });
});

describe('WhatsappCloudClient.checkConnection', () => {
  it('reads the number and verified name', async () => {
    let query = '';
    server.use(
      http.get(`${GRAPH}/${PHONE_NUMBER_ID}`, ({ request }) => {
        query = new URL(request.url).searchParams.get('fields') ?? '';
        expect(request.headers.get('authorization')).toBe(`Bearer ${ACCESS_TOKEN}`);
        return HttpResponse.json({
          verified_name: 'Clínica Bem Estar',
          code_verification_status: 'VERIFIED',
          display_phone_number: '+55 11 3000-1000',
          quality_rating: 'GREEN',
          id: PHONE_NUMBER_ID,
        });
      }),
    );
    expect(await client().checkConnection()).toEqual({
      ok: true,
      displayPhoneNumber: '+55 11 3000-1000',
      verifiedName: 'Clínica Bem Estar',
      qualityRating: 'GREEN',
    });
    expect(query).toBe('display_phone_number,verified_name,quality_rating');
  });

  it('reports an invalid token as not ok and not retryable', async () => {
    server.use(
      http.get(
        `${GRAPH}/${PHONE_NUMBER_ID}`,
        graphError(401, { message: 'Invalid OAuth access token - Cannot parse access token', type: 'OAuthException', code: 190 }),
      ),
    );
    expect(await client().checkConnection()).toEqual({
      ok: false,
      reason: expect.stringContaining('Invalid OAuth access token'),
      retryable: false,
    });
  });

  it('reports an outage as not ok and retryable', async () => {
    server.use(http.get(`${GRAPH}/${PHONE_NUMBER_ID}`, () => HttpResponse.error()));
    expect(await client().checkConnection()).toMatchObject({ ok: false, retryable: true });
  });
});

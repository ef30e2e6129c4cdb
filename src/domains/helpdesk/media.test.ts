import { request } from 'node:http';
import { sql } from 'kysely';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../../db/tenant-scope';
import type { Delivery, DeliveryTarget } from '../../platform/deliveries/kinds';
import { n8nOutboundMessages, type N8nOutboundPayload } from './channels/n8n';
import { mediaLinkResource } from './media';
import { callerFor, login, seedTenant, startTestApp, type TestTenant } from '../../../test/support/app';
import { nextPhone, receiveMessage } from '../../../test/support/helpdesk';
import { addUser, expectTrpcError, ownerCaller, type Caller } from '../../../test/support/identity';

type RunningTestApp = Awaited<ReturnType<typeof startTestApp>>;

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(120, 7)]);

describe('helpdesk attachments', () => {
  let app: RunningTestApp;
  let tenant: TestTenant;
  let owner: Caller;
  let token: string;

  const upload = (body: Buffer | string, type: string, options: { token?: string | null; name?: string } = {}) =>
    fetch(`${app.url}/api/v1/helpdesk/media`, {
      method: 'POST',
      headers: {
        'content-type': type,
        ...(options.token === null ? {} : { authorization: `Bearer ${options.token ?? token}` }),
        ...(options.name ? { 'x-file-name': encodeURIComponent(options.name) } : {}),
      },
      body,
    });
  const mediaCount = () =>
    withTenant(app.services.db, tenant.tenantId, async (trx) => (await trx.selectFrom('helpdesk_media').select('id').execute()).length);

  beforeAll(async () => {
    app = await startTestApp({ DELIVERIES_ENABLED: 'false' });
    tenant = await seedTenant(app.services, { modules: ['helpdesk'] });
    owner = await ownerCaller(app.services, tenant);
    token = (await login(app.url, tenant)).accessToken;
  });
  afterAll(() => app.stop());

  it('keeps an uploaded image and serves it by its link, safely; a reply can carry it', async () => {
    const response = await upload(PNG, 'image/png', { name: 'Orçamento final.PNG' });
    expect(response.status).toBe(201);
    const stored = (await response.json()) as { id: string; url: string; fileName: string; kind: string; sizeBytes: number };
    expect(stored).toMatchObject({ fileName: 'Orcamento-final.png', kind: 'image', sizeBytes: PNG.length });
    // The dashboard reads it with the session.
    const served = await fetch(`${app.url}/api/v1/helpdesk/media/${stored.id}`, { headers: { authorization: `Bearer ${token}` } });
    expect(served.status).toBe(200);
    expect(Buffer.from(await served.arrayBuffer())).toEqual(PNG);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(served.headers.get('x-content-type-options')).toBe('nosniff');
    expect((await fetch(`${app.url}/api/v1/helpdesk/media/${stored.id}`)).status).toBe(401);

    const channel = await owner.helpdesk.channels.create({ type: 'n8n', name: 'Loja', outboundUrl: 'http://127.0.0.1:9/x' });
    const { ticketId } = await receiveMessage(app.services, tenant.tenantId, channel.id, { from: nextPhone() });
    const reply = await owner.helpdesk.messages.send({ ticketId, body: 'Segue o orçamento', mediaUrl: stored.url });
    expect(reply).toMatchObject({
      kind: 'image',
      media: { url: stored.url, mimeType: 'image/png', sizeBytes: PNG.length, fileName: 'Orcamento-final.png' },
    });
  });

  it('refuses what is not an allowed file, too large, disguised or anonymous, and keeps nothing', async () => {
    const before = await mediaCount();
    const cases: Array<[Promise<Response>, number, string]> = [
      [upload(Buffer.from('MZ\x90\x00'), 'application/x-msdownload'), 400, 'ERR_MEDIA_TYPE_FORBIDDEN'],
      [upload('<html><script>alert(1)</script></html>', 'image/png'), 400, 'ERR_MEDIA_CONTENT_MISMATCH'],
      [upload('<svg onload=alert(1)>', 'text/plain'), 400, 'ERR_MEDIA_CONTENT_MISMATCH'],
      [upload(Buffer.concat([PNG, Buffer.alloc(5 * 1024 * 1024)]), 'image/png'), 413, 'ERR_MEDIA_TOO_LARGE'],
      [upload(Buffer.alloc(0), 'application/pdf'), 400, 'ERR_MEDIA_EMPTY'],
      [upload(PNG, 'image/png', { token: null }), 401, 'ERR_UNAUTHORIZED'],
    ];
    for (const [call, status, error] of cases) {
      const response = await call;
      expect({ status: response.status, error: ((await response.json()) as { error: string }).error }).toEqual({ status, error });
    }
    const viewer = await addUser(app.services, tenant, 'viewer');
    const viewerToken = (await login(app.url, tenant, viewer.email, viewer.password)).accessToken;
    expect((await upload(PNG, 'image/png', { token: viewerToken })).status).toBe(403);
    expect(await mediaCount()).toBe(before);
  });

  describe('links', () => {
    let stored: { id: string; url: string; fileName: string };
    const local = (url: string) => url.replace(app.services.config.publicUrl, app.url);
    const errorOf = async (response: Response) => [response.status, ((await response.json()) as { error: string }).error];

    beforeAll(async () => {
      stored = (await (await upload(PNG, 'image/png', { name: 'recibo.png' })).json()) as typeof stored;
    });

    it('the plain link is refused; a signed link serves the file until it expires', async () => {
      expect(await errorOf(await fetch(local(stored.url)))).toEqual([403, 'ERR_LINK_INVALID']);
      const signed = app.services.links.sign(stored.url, mediaLinkResource(stored.id, stored.fileName));
      const served = await fetch(local(signed));
      expect(served.status).toBe(200);
      expect(Buffer.from(await served.arrayBuffer())).toEqual(PNG);
      const expires = Number(new URL(signed).searchParams.get('expires'));
      expect(expires * 1000 - Date.now()).toBeGreaterThan((app.services.config.mediaLinkTtlSeconds - 60) * 1000);

      const expired = app.services.links.sign(
        stored.url,
        mediaLinkResource(stored.id, stored.fileName),
        new Date(Date.now() - (app.services.config.mediaLinkTtlSeconds + 1) * 1000),
      );
      expect(await errorOf(await fetch(local(expired)))).toEqual([410, 'ERR_LINK_EXPIRED']);
      // A signature is for one file under one name, and its expiry cannot be stretched.
      expect(await errorOf(await fetch(local(signed).replace('/recibo.png?', '/outro.png?')))).toEqual([403, 'ERR_LINK_INVALID']);
      const stretched = new URL(local(signed));
      stretched.searchParams.set('expires', String(expires + 86_400));
      expect(await errorOf(await fetch(stretched))).toEqual([403, 'ERR_LINK_INVALID']);
      const missing = crypto.randomUUID();
      const unknown = app.services.links.sign(`${app.url}/api/v1/media/${missing}/recibo.png`, mediaLinkResource(missing, 'recibo.png'));
      expect(await errorOf(await fetch(unknown))).toEqual([404, 'ERR_NOT_FOUND']);
    });

    it("another tenant's session cannot read the file", async () => {
      const other = await seedTenant(app.services, { modules: ['helpdesk'] });
      const otherToken = (await login(app.url, other)).accessToken;
      const response = await fetch(`${app.url}/api/v1/helpdesk/media/${stored.id}`, { headers: { authorization: `Bearer ${otherToken}` } });
      expect(await errorOf(response)).toEqual([404, 'ERR_NOT_FOUND']);
    });

    it('n8n gets a signed link made when the reply is sent; the queued delivery keeps the plain one', async () => {
      const channel = await owner.helpdesk.channels.create({ type: 'n8n', name: 'Links', outboundUrl: 'http://127.0.0.1:9/links' });
      const { ticketId } = await receiveMessage(app.services, tenant.tenantId, channel.id, { from: nextPhone() });
      const reply = await owner.helpdesk.messages.send({ ticketId, body: 'Recibo', mediaUrl: stored.url });
      const queued = await withTenant(app.services.db, tenant.tenantId, (trx) =>
        trx.selectFrom('deliveries').selectAll().where('ordering_key', '=', ticketId).executeTakeFirstOrThrow(),
      );
      const payload = queued.payload as N8nOutboundPayload;
      expect(payload).toMatchObject({ messageId: reply.id, mediaUrl: stored.url });
      const kind = n8nOutboundMessages(app.services.secrets, { links: app.services.links, publicUrl: app.services.config.publicUrl });
      const delivery: Delivery<N8nOutboundPayload> = {
        id: queued.id,
        tenantId: tenant.tenantId,
        kind: queued.kind,
        eventId: queued.event_id,
        orderingKey: queued.ordering_key,
        payload,
        attempt: 1,
        createdAt: queued.created_at,
      };
      const resolve = (payloadOfTry: N8nOutboundPayload) =>
        withTenant(
          app.services.db,
          tenant.tenantId,
          async (trx) => (await kind.resolveTarget(trx, { ...delivery, payload: payloadOfTry })) as DeliveryTarget,
        );
      const sent = (await resolve(payload)).body as N8nOutboundPayload;
      expect(sent).toMatchObject({ messageId: reply.id, body: 'Recibo' });
      expect(sent.mediaUrl?.startsWith(`${stored.url}?expires=`)).toBe(true);
      expect(new URL(sent.mediaUrl!).searchParams.get('signature')).toMatch(/^[\w-]{43}$/);
      expect(Buffer.from(await (await fetch(local(sent.mediaUrl!))).arrayBuffer())).toEqual(PNG);

      // A link to another tenant's file (its id known) is passed on as it is, never signed.
      const other = await seedTenant(app.services, { modules: ['helpdesk'] });
      const otherToken = (await login(app.url, other)).accessToken;
      const theirs = (await (await upload(PNG, 'image/png', { token: otherToken, name: 'deles.png' })).json()) as typeof stored;
      expect(((await resolve({ ...payload, mediaUrl: theirs.url })).body as N8nOutboundPayload).mediaUrl).toBe(theirs.url);
    });
  });

  it('refuses an anonymous 16 MiB upload with 401 before reading its body', async () => {
    const total = 16 * 1024 * 1024;
    const outcome = await new Promise<{ status: number | undefined; sentBytes: number }>((resolve, reject) => {
      const upload = request(`${app.url}/api/v1/helpdesk/media`, {
        method: 'POST',
        headers: { 'content-type': 'image/png', 'content-length': String(total) },
      });
      let sentBytes = 0;
      let answered = false;
      upload.on('error', (error) => {
        if (!answered) reject(error);
      });
      upload.on('response', (response) => {
        answered = true;
        resolve({ status: response.statusCode, sentBytes });
        response.resume();
        upload.destroy();
      });
      const chunk = Buffer.alloc(64 * 1024, 1);
      void (async () => {
        // The first MiB, then a pause: a server that waits for the whole body before answering is caught here.
        while (sentBytes < 1024 * 1024) {
          sentBytes += chunk.length;
          upload.write(chunk);
        }
        await sleep(3000);
        while (!answered && sentBytes < total) {
          sentBytes += chunk.length;
          if (!upload.write(chunk)) await new Promise((drained) => upload.once('drain', drained));
        }
        if (!answered) upload.end();
      })();
    });
    expect(outcome.status).toBe(401);
    expect(outcome.sentBytes).toBeLessThan(total);
  });

  it('retention: the nightly job deletes media older than the setting, and only for tenants that set one', async () => {
    const keeper = await seedTenant(app.services, { modules: ['helpdesk'] });
    const keeperToken = (await login(app.url, keeper)).accessToken;
    const stored = async (accessToken: string, name: string, ageDays: number, tenantId: string) => {
      const { id } = (await (await upload(PNG, 'image/png', { token: accessToken, name })).json()) as { id: string };
      await withTenant(app.services.db, tenantId, (trx) =>
        sql`update helpdesk_media set created_at = now() - make_interval(days => ${ageDays}) where id = ${id}`.execute(trx),
      );
      return id;
    };
    const ids = (tenantId: string) =>
      withTenant(app.services.db, tenantId, async (trx) =>
        (await trx.selectFrom('helpdesk_media').select('id').execute()).map((row) => row.id),
      );

    await expectTrpcError(owner.helpdesk.settings.update({ mediaRetentionDays: 0 }), 'BAD_REQUEST', 'INVALID_INPUT');
    await expectTrpcError(owner.helpdesk.settings.update({ mediaRetentionDays: 3651 }), 'BAD_REQUEST', 'INVALID_INPUT');
    await expectTrpcError(owner.helpdesk.settings.update({ mediaRetentionDays: 1.5 }), 'BAD_REQUEST', 'INVALID_INPUT');
    expect(await owner.helpdesk.settings.update({ mediaRetentionDays: 30 })).toMatchObject({ mediaRetentionDays: 30 });
    expect(await owner.helpdesk.settings.get()).toMatchObject({ mediaRetentionDays: 30 });
    const agent = await callerFor(app.services, await addUser(app.services, tenant, 'agent'));
    await expectTrpcError(agent.helpdesk.settings.update({ mediaRetentionDays: 1 }), 'FORBIDDEN', 'PERMISSION_DENIED');

    const old = await stored(token, 'velho.png', 31, tenant.tenantId);
    const recent = await stored(token, 'novo.png', 29, tenant.tenantId);
    // A tenant that never set a retention keeps everything, however old.
    const kept = await stored(keeperToken, 'antigo.png', 400, keeper.tenantId);

    const job = app.services.scheduler.jobs.find((definition) => definition.name === 'helpdesk.media_retention')!;
    const outcome = await app.services.scheduler.runSlot(
      job,
      { id: tenant.tenantId, slug: tenant.slug, timezone: 'America/Sao_Paulo' },
      new Date(),
      'manual',
    );
    expect(outcome).toMatchObject({ status: 'succeeded', stats: { mediaDeleted: expect.any(Number), bytesFreed: expect.any(Number) } });
    const remaining = await ids(tenant.tenantId);
    expect(remaining).not.toContain(old);
    expect(remaining).toContain(recent);
    const keeperRun = await app.services.scheduler.runSlot(
      job,
      { id: keeper.tenantId, slug: keeper.slug, timezone: 'America/Sao_Paulo' },
      new Date(),
      'manual',
    );
    expect(keeperRun).toMatchObject({ status: 'succeeded', stats: { mediaDeleted: 0 } });
    expect(await ids(keeper.tenantId)).toContain(kept);

    // The dashboard then says the file is gone.
    const gone = await fetch(`${app.url}/api/v1/helpdesk/media/${old}`, { headers: { authorization: `Bearer ${token}` } });
    expect(gone.status).toBe(404);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../../db/tenant-scope';
import { login, seedTenant, startTestApp, type TestTenant } from '../../../test/support/app';
import { nextPhone, receiveMessage } from '../../../test/support/helpdesk';
import { addUser, ownerCaller, type Caller } from '../../../test/support/identity';

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
    const served = await fetch(stored.url.replace(app.services.config.publicUrl, app.url));
    expect(served.status).toBe(200);
    expect(Buffer.from(await served.arrayBuffer())).toEqual(PNG);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(served.headers.get('x-content-type-options')).toBe('nosniff');
    expect((await fetch(`${app.url}/api/v1/media/${stored.id}/other-name.png`)).status).toBe(404);

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
});

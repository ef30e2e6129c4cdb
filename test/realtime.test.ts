import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApp } from '../src/bootstrap';
import { withTenant } from '../src/db/tenant-scope';
import { appendEvent } from '../src/platform/events/outbox';
import { callerFor, httpClient, login, seedTenant, startTestApp, TEST_JWT_SECRET, TEST_PASSWORD, type TestTenant } from './support/app';
import { recordEvents } from './support/subscriptions';

describe('events.stream over WebSocket', () => {
  let app: RunningApp & { url: string };
  let acme: TestTenant;
  let globex: TestTenant;
  let acmeToken: string;
  let globexToken: string;

  beforeAll(async () => {
    app = await startTestApp();
    acme = await seedTenant(app.services);
    globex = await seedTenant(app.services);
    acmeToken = (await login(app.url, acme)).accessToken;
    globexToken = (await login(app.url, globex)).accessToken;
  });
  afterAll(() => app.stop());

  const createUser = (token: string, email: string, role = 'agent') =>
    httpClient(app.url, () => token).users.create.mutate({ email, name: email.split('@')[0]!, password: TEST_PASSWORD, role });

  it("pushes a tenant's events to its subscribers only", async () => {
    const acmeFeed = recordEvents(app.url, () => acmeToken);
    const globexFeed = recordEvents(app.url, () => globexToken);
    await Promise.all([acmeFeed.started, globexFeed.started]);
    const created = await createUser(acmeToken, 'live@acme.test');
    const [event] = await acmeFeed.waitFor((events) => events.some((item) => item.type === 'user.created'));
    expect(event).toMatchObject({ type: 'user.created', data: { userId: created.id, email: 'live@acme.test', role: 'agent' } });
    await createUser(globexToken, 'other@globex.test');
    await globexFeed.waitFor((events) => events.length === 1);
    expect(acmeFeed.events.map((item) => item.type)).toEqual(['user.created']);
    expect(globexFeed.events.map((item) => item.data)).toEqual([expect.objectContaining({ email: 'other@globex.test' })]);
    await Promise.all([acmeFeed.close(), globexFeed.close()]);
  });

  it('replays from lastEventId after a reconnect', async () => {
    const first = recordEvents(app.url, () => acmeToken, { types: ['user.created'] });
    await first.started;
    await createUser(acmeToken, 'before-drop@acme.test');
    const [seen] = await first.waitFor((events) => events.length === 1);
    await first.close();
    await createUser(acmeToken, 'while-away@acme.test');
    const resumed = recordEvents(app.url, () => acmeToken, { lastEventId: seen!.id, types: ['user.created'] });
    await resumed.started;
    await createUser(acmeToken, 'after-return@acme.test');
    const events = await resumed.waitFor((items) => items.length === 2);
    expect(events.map((item) => item.type === 'user.created' && item.data.email)).toEqual([
      'while-away@acme.test',
      'after-return@acme.test',
    ]);
    await resumed.close();
  });

  /** One transaction raising several events: they commit, and reach the hub, together. */
  const announceTogether = (labels: string[]) =>
    withTenant(app.services.db, acme.tenantId, async (trx) => {
      for (const label of labels) await appendEvent(trx, 'tenant.updated', { tenantId: acme.tenantId, changes: [label] });
    });
  const labelsOf = (events: Array<{ type: string; data: unknown }>) =>
    events.map((event) => (event.type === 'tenant.updated' ? (event.data as { changes: string[] }).changes[0] : event.type));

  it('events.streamGrouped sends the events due together in one frame, tracked by the last one; events.stream one frame each', async () => {
    const grouped = recordEvents(app.url, () => acmeToken, { types: ['tenant.updated'] }, { grouped: true });
    const single = recordEvents(app.url, () => acmeToken, { types: ['tenant.updated'] });
    await Promise.all([grouped.started, single.started]);
    await announceTogether(['g-1', 'g-2', 'g-3']);
    await Promise.all([grouped.waitFor((events) => events.length === 3), single.waitFor((events) => events.length === 3)]);
    expect(grouped.frames).toHaveLength(1);
    const [frame] = grouped.frames;
    expect(labelsOf(frame!.events)).toEqual(['g-1', 'g-2', 'g-3']);
    expect(frame!.id).toBe(frame!.events[2]!.id);
    expect(single.frames.map((each) => each.id)).toEqual(frame!.events.map((event) => event.id));
    expect(single.events).toEqual(grouped.events);
    await Promise.all([grouped.close(), single.close()]);
  });

  it('events.streamGrouped resumes after the last event of the group whose id it was given', async () => {
    const first = recordEvents(app.url, () => acmeToken, { types: ['tenant.updated'] }, { grouped: true });
    await first.started;
    await announceTogether(['seen-1', 'seen-2']);
    await first.waitFor((events) => events.length === 2);
    const [seen] = first.frames; // both, in one group
    await first.close();
    await announceTogether(['missed-1']);
    await announceTogether(['missed-2', 'missed-3']);
    await app.services.hub.flush();
    const resumed = recordEvents(app.url, () => acmeToken, { lastEventId: seen!.id, types: ['tenant.updated'] }, { grouped: true });
    await resumed.started;
    await announceTogether(['live']);
    const events = await resumed.waitFor((items) => items.length === 4);
    expect(labelsOf(events)).toEqual(['missed-1', 'missed-2', 'missed-3', 'live']);
    // The replay comes as one page, live events as they arrive; each frame's id is its last event's.
    expect(resumed.frames.map((each) => labelsOf(each.events))).toEqual([['missed-1', 'missed-2', 'missed-3'], ['live']]);
    for (const each of resumed.frames) expect(each.id).toBe(each.events.at(-1)!.id);
    await resumed.close();
  });

  it("ends a deactivated user's live subscription at once", async () => {
    const admin = await createUser(acmeToken, 'soon-gone@acme.test', 'admin');
    const adminSession = await login(app.url, acme, 'soon-gone@acme.test', TEST_PASSWORD);
    const feed = recordEvents(app.url, () => adminSession.accessToken);
    await feed.started;
    await httpClient(app.url, () => acmeToken).users.deactivate.mutate({ id: admin.id });
    const error = await feed.waitForError();
    expect(error.data?.code).toBe('UNAUTHORIZED');
    expect(error.data?.reason).toBe('USER_INACTIVE');
    const countAtEnd = feed.events.length;
    await createUser(acmeToken, 'after-deactivation@acme.test');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(feed.events.slice(countAtEnd)).toEqual([]);
    await feed.close();
  });

  it('ends the subscription when the access token expires', async () => {
    const owner = await callerFor(app.services, { tenantId: acme.tenantId, userId: acme.ownerId });
    const me = await owner.auth.me();
    const shortLived = await new SignJWT({ tid: me.tenant.id, sid: crypto.randomUUID() })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(me.user.id)
      .setIssuer('balcao')
      .setAudience('balcao:access')
      .setIssuedAt()
      .setExpirationTime(Math.floor(Date.now() / 1000) + 2)
      .sign(new TextEncoder().encode(TEST_JWT_SECRET));
    const feed = recordEvents(app.url, () => shortLived);
    await feed.started;
    const error = await feed.waitForError(6_000);
    expect(error.data?.reason).toBe('TOKEN_EXPIRED');
    await feed.close();
  });

  it('refuses a connection without a valid token', async () => {
    const anonymous = recordEvents(app.url, () => undefined);
    expect((await anonymous.waitForError()).data?.code).toBe('UNAUTHORIZED');
    await anonymous.close();
    const forged = recordEvents(app.url, () => `${acmeToken.slice(0, -4)}AAAA`);
    expect((await forged.waitForError()).data?.reason).toBe('TOKEN_INVALID');
    await forged.close();
  });
});

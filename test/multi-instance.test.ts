import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApp } from '../src/bootstrap';
import { httpClient, login, seedTenant, type TestTenant } from './support/app';
import { startTwoInstances, twoInstancesAvailable, warnTwoInstancesSkipped } from './support/instances';
import { recordEvents } from './support/subscriptions';

warnTwoInstancesSkipped('the two-instance test');

describe.runIf(twoInstancesAvailable)('two instances on one Postgres and one Redis', () => {
  let first: RunningApp & { url: string };
  let second: RunningApp & { url: string };
  let tenant: TestTenant;

  beforeAll(async () => {
    ({ first, second } = await startTwoInstances());
    tenant = await seedTenant(first.services);
  });
  afterAll(async () => {
    await second.stop();
    await first.stop();
  });

  it('an event committed on one instance reaches subscribers on the other', async () => {
    const session = await login(first.url, tenant);
    const onSecond = recordEvents(second.url, () => session.accessToken, { types: ['user.created'] });
    await onSecond.started;
    const started = Date.now();
    const created = await httpClient(first.url, () => session.accessToken).users.create.mutate({
      email: 'cross@x.test',
      name: 'Cross',
      password: 'password123',
      role: 'viewer',
    });
    const [event] = await onSecond.waitFor((events) => events.length === 1, 3_000);
    expect(event).toMatchObject({ type: 'user.created', data: { userId: created.id } });
    expect(Date.now() - started).toBeLessThan(2_000);
    await onSecond.close();
  });

  it('a user deactivated on one instance loses access on the other at once', async () => {
    const owner = await login(first.url, tenant);
    const viewer = await httpClient(first.url, () => owner.accessToken).users.create.mutate({
      email: 'leaving@x.test',
      name: 'Leaving',
      password: 'password123',
      role: 'viewer',
    });
    const viewerSession = await login(second.url, tenant, 'leaving@x.test', 'password123');
    const onSecond = httpClient(second.url, () => viewerSession.accessToken);
    expect((await onSecond.auth.me.query()).user.email).toBe('leaving@x.test');
    await httpClient(first.url, () => owner.accessToken).users.deactivate.mutate({ id: viewer.id });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await expect(onSecond.auth.me.query()).rejects.toMatchObject({ data: { code: 'UNAUTHORIZED', reason: 'USER_INACTIVE' } });
  });
});

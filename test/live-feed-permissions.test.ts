import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApp } from '../src/bootstrap';
import { callerFor, login, seedTenant, startTestApp, TEST_PASSWORD, type TestTenant } from './support/app';
import { recordEvents, type RecordedSubscription } from './support/subscriptions';

describe('the live feed follows what each viewer may read', () => {
  let app: RunningApp & { url: string };
  let tenant: TestTenant;
  let owner: Awaited<ReturnType<typeof callerFor>>;
  let counter = 0;

  beforeAll(async () => {
    app = await startTestApp();
    tenant = await seedTenant(app.services, { modules: ['agenda'] });
    owner = await callerFor(app.services, { tenantId: tenant.tenantId, userId: tenant.ownerId });
  });
  afterAll(() => app.stop());

  const nextEmail = (prefix: string) => `${prefix}-${(counter += 1)}@feed.test`;

  async function memberWithRole(role: string) {
    const email = nextEmail(role);
    const user = await owner.users.create({ email, name: `Pessoa ${counter}`, password: TEST_PASSWORD, role });
    const session = await login(app.url, tenant, email, TEST_PASSWORD);
    return { user, token: session.accessToken };
  }

  /** An identity event (carries an email), then an agenda event as a marker: once the marker arrives, the first was decided. */
  async function identityThenAgenda(feed: RecordedSubscription) {
    const created = await owner.users.create({ email: nextEmail('novo'), name: 'Novo', password: TEST_PASSWORD, role: 'viewer' });
    const service = await owner.agenda.services.create({ name: `Serviço ${counter}`, durationMin: 30, priceCents: 1000 });
    await feed.waitFor((events) => events.some((event) => event.type === 'agenda.catalogue_changed' && event.data.id === service.id));
    return feed.events.some((event) => event.type === 'user.created' && event.data.userId === created.id);
  }

  it('gives identity events (emails, token scopes) only to who may see the users', async () => {
    const agent = await memberWithRole('agent');
    const agentFeed = recordEvents(app.url, () => agent.token);
    await agentFeed.started;
    await owner.apiTokens.create({ name: 'ERP', scopes: ['helpdesk.external'] });
    expect(await identityThenAgenda(agentFeed)).toBe(false);
    expect(agentFeed.events.filter((event) => event.type.startsWith('user.') || event.type.startsWith('api_token.'))).toEqual([]);
    await agentFeed.close();
  });

  it('gives a viewer without users.read the changes to their own user and role, and no one else’s', async () => {
    const role = await owner.roles.create({
      key: `proprio-${counter}`,
      name: 'Sem usuários',
      permissions: ['events.read', 'agenda.appointments.read'],
    });
    const member = await memberWithRole(role.key);
    const other = await memberWithRole(role.key);
    const feed = recordEvents(app.url, () => member.token);
    await feed.started;
    await owner.users.update({ id: other.user.id, name: 'Outra pessoa' });
    await owner.users.update({ id: member.user.id, name: 'Eu mesma' });
    await owner.roles.update({ id: role.id, permissions: ['events.read', 'agenda.appointments.read', 'agenda.chat.read'] });
    await feed.waitFor((events) => events.some((event) => event.type === 'role.updated'));
    expect(feed.events.filter((event) => event.type === 'user.updated').map((event) => event.data.userId)).toEqual([member.user.id]);
    expect(feed.events.filter((event) => event.type === 'role.updated').map((event) => event.data.roleId)).toEqual([role.id]);
    await owner.roles.create({ key: `outro-${counter}`, name: 'Outro papel', permissions: ['events.read'] });
    expect(await identityThenAgenda(feed)).toBe(false);
    expect(feed.events.filter((event) => event.type === 'role.updated')).toHaveLength(1);
    await feed.close();
  });

  it('stops a domain’s events when the role loses its read permission, and starts them when it gains it, without resubscribing', async () => {
    const role = await owner.roles.create({
      key: `feed-${counter}`,
      name: 'Acompanha',
      permissions: ['events.read', 'agenda.appointments.read', 'identity.users.read'],
    });
    const member = await memberWithRole(role.key);
    const feed = recordEvents(app.url, () => member.token);
    await feed.started;
    expect(await identityThenAgenda(feed)).toBe(true);

    await owner.roles.update({ id: role.id, permissions: ['events.read', 'agenda.appointments.read'] });
    expect(await identityThenAgenda(feed)).toBe(false);

    await owner.roles.update({ id: role.id, permissions: ['events.read', 'agenda.appointments.read', 'identity.users.read'] });
    expect(await identityThenAgenda(feed)).toBe(true);
    expect(feed.errors).toEqual([]);
    await feed.close();
  });

  it('follows a change of the user’s own role', async () => {
    const member = await memberWithRole('viewer');
    const feed = recordEvents(app.url, () => member.token);
    await feed.started;
    expect(await identityThenAgenda(feed)).toBe(true);
    await owner.users.update({ id: member.user.id, role: 'agent' });
    expect(await identityThenAgenda(feed)).toBe(false);
    expect(feed.errors).toEqual([]);
    await feed.close();
  });

  it('ends the feed of a user whose role no longer reads events', async () => {
    const role = await owner.roles.create({
      key: `sem-feed-${counter}`,
      name: 'Sem feed',
      permissions: ['events.read', 'agenda.appointments.read'],
    });
    const member = await memberWithRole(role.key);
    const feed = recordEvents(app.url, () => member.token);
    await feed.started;
    await owner.roles.update({ id: role.id, permissions: ['agenda.appointments.read'] });
    const error = await feed.waitForError();
    expect(error.data).toMatchObject({ code: 'FORBIDDEN', reason: 'PERMISSION_DENIED' });
    await feed.close();
  });
});

import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { seedTenant, silentLogger, startTestApp, type TestTenant } from '../../../test/support/app';
import { expectTrpcError, ownerCaller, storedEvents, type Caller } from '../../../test/support/identity';
import { startOpenAiUpstream, type OpenAiUpstream } from '../../../test/support/openai-upstream';
import { startSmtpReceiver, type SmtpReceiver } from '../../../test/support/smtp-receiver';
import { configureUpstream, llmUserWithKey } from '../../../test/support/usage';
import { withTenant } from '../../db/tenant-scope';
import { usageRuntime } from './runtime';
import { mailPendingAlerts } from './alerts';

type RunningTestApp = Awaited<ReturnType<typeof startTestApp>>;

const SMTP_USER = 'alertas@balcao.test';
const SMTP_PASSWORD = 'senha-do-smtp-9f3a7c';
const MAIL_ATTEMPTS = 5;

describe('usage alerts by e-mail', () => {
  let app: RunningTestApp;
  let tenant: TestTenant;
  let owner: Caller;
  let upstream: OpenAiUpstream;
  let receiver: SmtpReceiver;

  beforeAll(async () => {
    app = await startTestApp();
    tenant = await seedTenant(app.services, { modules: ['usage'] });
    owner = await ownerCaller(app.services, tenant);
    upstream = await startOpenAiUpstream();
    await configureUpstream(owner, upstream);
    receiver = await startSmtpReceiver({ auth: { user: SMTP_USER, password: SMTP_PASSWORD } });
  });
  afterAll(async () => {
    await app?.stop();
    await upstream?.close();
    await receiver?.close();
  });
  beforeEach(() => upstream.setBehaviour({}));

  const configureSmtp = (password = SMTP_PASSWORD) =>
    owner.usage.settings.update({
      emailSettings: {
        smtpHost: '127.0.0.1',
        smtpPort: receiver.port,
        smtpUser: SMTP_USER,
        smtpPassword: password,
        fromEmail: 'nao-responda@balcao.test',
        fromName: 'Balcão Alertas',
        useTls: false,
      },
    });

  const mailRun = () => mailPendingAlerts(app.services.db, app.services.secrets, silentLogger());
  /** The mailing a settlement starts right after it raises alerts, done. */
  const immediateMailing = () => usageRuntime(app.services).alertMailSettled();

  let userCounter = 0;
  /** A user who crosses 80 % of a 1000-token budget through the proxy, raising one alert. */
  async function userPast80(options: { emailNotificationsEnabled?: boolean } = {}) {
    userCounter += 1;
    const email = `alerta-${userCounter}@exemplo.com`;
    const { user, key } = await llmUserWithKey(owner, app.url, { email, name: `Cliente ${userCounter}`, monthlyLimit: 1_000 });
    if (options.emailNotificationsEnabled === false) await owner.usage.users.update({ id: user.id, emailNotificationsEnabled: false });
    upstream.setBehaviour({ usageOverride: { prompt_tokens: 50, completion_tokens: 800 } });
    const response = await fetch(`${app.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'oi' }], max_tokens: 10 }),
    });
    expect(response.status).toBe(200);
    await response.arrayBuffer();
    await expect.poll(async () => (await alertsOf(user.id)).length).toBe(1);
    return { userId: user.id, email, alertId: (await alertsOf(user.id))[0]!.id };
  }

  function alertsOf(userId: string) {
    return withTenant(app.services.db, tenant.tenantId, (trx) =>
      trx.selectFrom('usage_alerts').selectAll().where('user_id', '=', userId).orderBy('created_at').execute(),
    );
  }

  async function alertUpdates(alertId: string) {
    const events = await storedEvents(app.services, tenant.tenantId, 'usage.alert.updated');
    return events.map((event) => event.data as { alertId: string; status: string }).filter((data) => data.alertId === alertId);
  }

  it('keeps alerts pending while SMTP is not configured', async () => {
    const { alertId, userId } = await userPast80();
    expect(await mailRun()).toEqual({ sent: 0, failed: 0 });
    const [alert] = await alertsOf(userId);
    expect(alert).toMatchObject({ id: alertId, status: 'pending', email_attempts: 0, sent_at: null });
    await expectTrpcError(owner.usage.settings.testEmail({ email: 'dono@exemplo.com' }), 'PRECONDITION_FAILED', 'SMTP_NOT_CONFIGURED');
  });

  it('stores the SMTP password sealed, never in clear', async () => {
    await configureSmtp();
    const settings = await owner.usage.settings.get();
    expect(settings.emailSettings).toMatchObject({
      smtpHost: '127.0.0.1',
      smtpPort: receiver.port,
      smtpUser: SMTP_USER,
      smtpPasswordSet: true,
    });
    expect(JSON.stringify(settings)).not.toContain(SMTP_PASSWORD);

    const row = await withTenant(app.services.db, tenant.tenantId, (trx) =>
      trx.selectFrom('usage_settings').selectAll().executeTakeFirstOrThrow(),
    );
    expect(row.smtp_password_sealed).toBeTruthy();
    expect(row.smtp_password_sealed).not.toContain(SMTP_PASSWORD);
    expect(JSON.stringify(row)).not.toContain(SMTP_PASSWORD);
    expect(app.services.secrets.open(row.smtp_password_sealed!)).toBe(SMTP_PASSWORD);
    // Nor in the audit trail of the change.
    const audit = await withTenant(app.services.db, tenant.tenantId, async (trx) => {
      const { rows } = await sql<{ entry: string }>`select row_to_json(a)::text as entry from audit_log a`.execute(trx);
      return rows.map((entry) => entry.entry).join('\n');
    });
    expect(audit).toContain('usage.settings.update');
    expect(audit).not.toContain(SMTP_PASSWORD);
  });

  it('sends the settings’ test e-mail through the tenant’s SMTP server', async () => {
    await configureSmtp();
    const before = receiver.messages.length;
    expect(await owner.usage.settings.testEmail({ email: 'dono@exemplo.com' })).toEqual({ sent: true, to: 'dono@exemplo.com' });
    const messages = await receiver.waitForMessages(before + 1);
    const mail = messages.at(-1)!;
    expect(mail.to).toEqual(['dono@exemplo.com']);
    expect(mail.from).toBe('nao-responda@balcao.test');
    expect(mail.subject).toBe('Balcão: e-mail de teste dos alertas de IA');
    expect(mail.raw).toMatch(/^From: .*Balc.*<nao-responda@balcao\.test>/m);
  });

  it('mails a threshold alert to its user right after it is raised, once, and marks it sent', async () => {
    await configureSmtp();
    // Whatever an earlier test left pending goes out first.
    await mailRun();
    const before = receiver.messages.length;
    const { userId, email, alertId } = await userPast80();

    // No job run: the settlement that raised it started the mailing.
    const messages = await receiver.waitForMessages(before + 1);
    const mail = messages.at(-1)!;
    expect(mail.to).toEqual([email]);
    expect(mail.subject).toBe('Uso de tokens em 80%');
    expect(mail.text).toContain(`Cliente ${userCounter} usou 850 de 1000 tokens`);
    await immediateMailing();

    const [alert] = await alertsOf(userId);
    expect(alert).toMatchObject({ status: 'sent', email_to: email, email_attempts: 1, email_error: null });
    expect(alert!.sent_at).toBeInstanceOf(Date);
    expect(await alertUpdates(alertId)).toEqual([{ alertId, status: 'sent' }]);

    // The job's runs after it send nothing again.
    expect(await mailRun()).toEqual({ sent: 0, failed: 0 });
    expect(await mailRun()).toEqual({ sent: 0, failed: 0 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(receiver.messages.filter((message) => message.to.includes(email))).toHaveLength(1);
  });

  it('mails nothing to a user who turned notifications off', async () => {
    await configureSmtp();
    await mailRun();
    const before = receiver.messages.length;
    const { userId } = await userPast80({ emailNotificationsEnabled: false });
    await immediateMailing();
    expect(await mailRun()).toEqual({ sent: 0, failed: 0 });
    const [alert] = await alertsOf(userId);
    expect(alert).toMatchObject({ email_to: null, email_attempts: 0 });
    expect(receiver.messages).toHaveLength(before);
  });

  it('with a wrong SMTP password: the test e-mail fails with the server’s refusal; an alert stays pending, then fails', async () => {
    await configureSmtp('senha-errada');
    try {
      const before = receiver.messages.length;
      const refused = await expectTrpcError(owner.usage.settings.testEmail({ email: 'dono@exemplo.com' }), 'BAD_REQUEST', 'SMTP_FAILED');
      expect(refused.message).toMatch(/535|Invalid username or password/);

      const { userId, alertId } = await userPast80();
      // The first attempt is the mailing right after the alert; the job's runs try again.
      await immediateMailing();
      for (let attempt = 1; attempt < MAIL_ATTEMPTS; attempt++) {
        if (attempt > 1) expect(await mailRun()).toEqual({ sent: 0, failed: 1 });
        const [alert] = await alertsOf(userId);
        expect(alert).toMatchObject({ status: 'pending', email_attempts: attempt, sent_at: null });
        expect(alert!.email_error).toMatch(/535|Invalid username or password/);
      }
      expect(await alertUpdates(alertId)).toEqual([]);
      expect(await mailRun()).toEqual({ sent: 0, failed: 1 });
      const [alert] = await alertsOf(userId);
      expect(alert).toMatchObject({ status: 'failed', email_attempts: MAIL_ATTEMPTS });
      expect(await alertUpdates(alertId)).toEqual([{ alertId, status: 'failed' }]);
      // A failed alert is not tried again.
      expect(await mailRun()).toEqual({ sent: 0, failed: 0 });
      expect(receiver.messages).toHaveLength(before);
    } finally {
      await configureSmtp();
    }
  });
});

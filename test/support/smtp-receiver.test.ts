import { createTransport } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMail, startSmtpReceiver, type SmtpReceiver } from './smtp-receiver';

describe('startSmtpReceiver with credentials', () => {
  let receiver: SmtpReceiver;

  beforeAll(async () => {
    receiver = await startSmtpReceiver({ auth: { user: 'balcao', password: 'segredo' } });
  });
  afterAll(() => receiver.close());

  it('receives a message sent by nodemailer with the right credentials', async () => {
    const transport = createTransport({
      host: receiver.host,
      port: receiver.port,
      secure: false,
      auth: { user: 'balcao', pass: 'segredo' },
    });
    await transport.sendMail({
      from: 'agenda@balcao.test',
      to: ['cliente@example.test', 'copia@example.test'],
      subject: 'Confirmação do seu horário — amanhã às 10h',
      text: 'Olá, Joana!\nSeu horário está confirmado: https://balcao.test/agenda/confirmar?token=abc123&origem=email',
      html: '<p>Olá, Joana!</p>',
    });
    transport.close();

    const [mail] = await receiver.waitForMessages(1);
    expect(mail).toMatchObject({
      from: 'agenda@balcao.test',
      to: ['cliente@example.test', 'copia@example.test'],
      subject: 'Confirmação do seu horário — amanhã às 10h',
      text: 'Olá, Joana!\nSeu horário está confirmado: https://balcao.test/agenda/confirmar?token=abc123&origem=email',
      html: '<p>Olá, Joana!</p>',
    });
    expect(mail?.raw).toMatch(/^Subject: =\?UTF-8\?/m);
  });

  it('rejects a wrong password with 535', async () => {
    const transport = createTransport({
      host: receiver.host,
      port: receiver.port,
      secure: false,
      auth: { user: 'balcao', pass: 'errada' },
    });
    await expect(transport.sendMail({ from: 'a@balcao.test', to: 'b@example.test', subject: 'x', text: 'x' })).rejects.toMatchObject({
      code: 'EAUTH',
      responseCode: 535,
    });
    transport.close();
  });

  it('refuses to take mail without AUTH when credentials are configured', async () => {
    const transport = createTransport({ host: receiver.host, port: receiver.port, secure: false });
    await expect(transport.sendMail({ from: 'a@balcao.test', to: 'b@example.test', subject: 'x', text: 'x' })).rejects.toMatchObject({
      responseCode: 530,
    });
    transport.close();
  });
});

describe('startSmtpReceiver without credentials', () => {
  it('accepts mail without AUTH, times out a wait for more, and closes with a pooled client still connected', async () => {
    const receiver = await startSmtpReceiver();
    const transport = createTransport({ host: receiver.host, port: receiver.port, secure: false, pool: true });
    try {
      await transport.sendMail({ from: 'a@balcao.test', to: 'b@example.test', subject: 'Plain', text: 'Corpo' });
      expect(receiver.messages.map((mail) => [mail.subject, mail.text])).toEqual([['Plain', 'Corpo']]);
      await expect(receiver.waitForMessages(2, 50)).rejects.toThrow(/expected 2 message\(s\) within 50 ms, got 1/);
    } finally {
      const started = performance.now();
      await receiver.close();
      expect(performance.now() - started).toBeLessThan(1000);
      transport.close();
    }
  });
});

describe('readMail', () => {
  it('decodes quoted-printable and base64 parts of a multipart message', () => {
    const raw = [
      // The space between the two encoded words is dropped; the second one starts with its own space.
      `Subject: =?ISO-8859-1?Q?Ol=E1?= =?UTF-8?B?${Buffer.from(' mundo').toString('base64')}?=`,
      'Content-Type: multipart/mixed; boundary="outer"',
      '',
      '--outer',
      'Content-Type: multipart/alternative; boundary=inner',
      '',
      '--inner',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      'Ol=C3=A1 mundo, uma linha bem comprida que foi quebrada =',
      'aqui.',
      '--inner',
      'Content-Type: text/html; charset=utf-8',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from('<b>Olá</b>').toString('base64'),
      '--inner--',
      '--outer',
      'Content-Type: text/plain',
      'Content-Disposition: attachment; filename=a.txt',
      '',
      'anexo',
      '--outer--',
      '',
    ].join('\r\n');
    expect(readMail(raw)).toEqual({
      subject: 'Olá mundo',
      text: 'Olá mundo, uma linha bem comprida que foi quebrada aqui.',
      html: '<b>Olá</b>',
    });
  });
});

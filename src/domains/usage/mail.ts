import { createTransport, type Transporter } from 'nodemailer';
import type { UsageSettingsRow } from '../../db/schema';
import type { SecretBox } from '../../platform/auth/secret-box';
import { DomainError } from '../../platform/errors';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
}

const SMTP_TIMEOUT_MS = 10_000;

/** The tenant's SMTP server as nodemailer's transport: implicit TLS on 465, STARTTLS required elsewhere when TLS is on, plain when off. */
export function smtpTransportOf(settings: UsageSettingsRow, secrets: SecretBox): Transporter {
  if (!settings.smtp_host || !settings.from_email)
    throw new DomainError('PRECONDITION_FAILED', 'SMTP_NOT_CONFIGURED', 'Configure o servidor SMTP e o remetente antes de enviar e-mails');
  const password = settings.smtp_password_sealed ? secrets.open(settings.smtp_password_sealed) : undefined;
  return createTransport({
    host: settings.smtp_host,
    port: settings.smtp_port,
    secure: settings.use_tls && settings.smtp_port === 465,
    requireTLS: settings.use_tls && settings.smtp_port !== 465,
    // TLS off means off: no opportunistic STARTTLS, which a relay with a self-signed certificate would fail.
    ignoreTLS: !settings.use_tls,
    ...(settings.smtp_user ? { auth: { user: settings.smtp_user, pass: password ?? '' } } : {}),
    connectionTimeout: SMTP_TIMEOUT_MS,
    greetingTimeout: SMTP_TIMEOUT_MS,
    socketTimeout: SMTP_TIMEOUT_MS,
  });
}

export async function sendMail(settings: UsageSettingsRow, secrets: SecretBox, mail: OutgoingMail): Promise<void> {
  const transport = smtpTransportOf(settings, secrets);
  try {
    await transport.sendMail({
      from: { name: settings.from_name, address: settings.from_email },
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
    });
  } finally {
    transport.close();
  }
}

import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerAuthentication } from 'smtp-server';

/** One message as the receiver got it; mailparser is not installed, so subject, text and html come from a small MIME reader. */
export interface ReceivedMail {
  /** Envelope sender (MAIL FROM). */
  from: string;
  /** Envelope recipients (RCPT TO). */
  to: string[];
  /** The whole message as sent after DATA, CRLF line endings. */
  raw: string;
  /** The Subject header with RFC 2047 encoded words decoded; '' when absent. */
  subject: string;
  /** The first text/plain part, transfer-decoded, LF line endings; '' when there is none. */
  text: string;
  /** The first text/html part, decoded the same way; '' when there is none. */
  html: string;
}

export interface SmtpReceiverOptions {
  /** Credentials to require (AUTH PLAIN or LOGIN, 535 for any other); without them no AUTH is needed and any is accepted. */
  auth?: { user: string; password: string };
  /** Offer STARTTLS with smtp-server's built-in test certificate; off by default so clients stay in plain text. */
  tls?: boolean;
  /** Port on 127.0.0.1; 0 (the default) picks a free one. */
  port?: number;
}

export interface SmtpReceiver {
  host: '127.0.0.1';
  port: number;
  messages: ReceivedMail[];
  /** Resolves with every message so far once at least `count` have arrived; rejects after `timeoutMs`. */
  waitForMessages(count: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  close(): Promise<void>;
}

interface MimeEntity {
  headers: Map<string, string>;
  body: string;
}

/** Splits an entity (LF line endings) into its unfolded headers (names lower-cased, first one wins) and its body. */
function parseEntity(source: string): MimeEntity {
  const separator = source.indexOf('\n\n');
  const head = separator === -1 ? source : source.slice(0, separator);
  const body = separator === -1 ? '' : source.slice(separator + 2);
  const headers = new Map<string, string>();
  for (const line of head.replace(/\n[ \t]+/g, ' ').split('\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!headers.has(name)) headers.set(name, line.slice(colon + 1).trim());
  }
  return { headers, body };
}

function headerParameter(value: string, name: string): string | undefined {
  return new RegExp(`;\\s*${name}\\s*=\\s*(?:"([^"]*)"|([^;\\s]+))`, 'i')
    .exec(value)
    ?.slice(1)
    .find((match) => match !== undefined);
}

function decodeCharset(bytes: Buffer, charset: string | undefined): string {
  try {
    return new TextDecoder(charset ?? 'utf-8').decode(bytes);
  } catch {
    return bytes.toString('utf8');
  }
}

function quotedPrintableBytes(text: string): Buffer {
  const softened = text.replace(/=\r?\n/g, '');
  const bytes: number[] = [];
  for (let index = 0; index < softened.length; index++) {
    const hex = softened.slice(index + 1, index + 3);
    if (softened[index] === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      index += 2;
    } else {
      bytes.push(...Buffer.from(softened[index]!, 'utf8'));
    }
  }
  return Buffer.from(bytes);
}

/** Decodes RFC 2047 encoded words (=?charset?B|Q?...?=), as nodemailer writes any non-ASCII subject. */
export function decodeEncodedWords(value: string): string {
  // Whitespace between two adjacent encoded words is not part of the text (RFC 2047 section 6.2).
  return value
    .replace(/(\?=)\s+(?==\?)/g, '$1')
    .replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_word, charset: string, encoding: string, encoded: string) => {
      const bytes = encoding.toUpperCase() === 'B' ? Buffer.from(encoded, 'base64') : quotedPrintableBytes(encoded.replace(/_/g, ' '));
      return decodeCharset(bytes, charset.split('*')[0]);
    });
}

function decodeBody(entity: MimeEntity): string {
  const encoding = (entity.headers.get('content-transfer-encoding') ?? '7bit').toLowerCase();
  const charset = headerParameter(entity.headers.get('content-type') ?? '', 'charset');
  if (encoding === 'base64') return decodeCharset(Buffer.from(entity.body, 'base64'), charset);
  if (encoding === 'quoted-printable') return decodeCharset(quotedPrintableBytes(entity.body), charset);
  return entity.body;
}

/** The decoded body of the first part with this media type, searching multipart entities depth first. */
function findPart(entity: MimeEntity, mediaType: 'text/plain' | 'text/html'): string | undefined {
  const contentType = entity.headers.get('content-type') ?? 'text/plain';
  const ownType = contentType.split(';')[0]!.trim().toLowerCase();
  if (ownType.startsWith('multipart/')) {
    const boundary = headerParameter(contentType, 'boundary');
    if (boundary === undefined) return undefined;
    const sections = `\n${entity.body}`.split(`\n--${boundary}`);
    for (const section of sections.slice(1)) {
      if (section.startsWith('--')) break;
      const found = findPart(parseEntity(section.slice(section.indexOf('\n') + 1)), mediaType);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  const isAttachment = /^attachment/i.test(entity.headers.get('content-disposition') ?? '');
  return ownType === mediaType && !isAttachment ? decodeBody(entity) : undefined;
}

/** Reads envelope-free fields from a raw message: subject, first text/plain and first text/html part. */
export function readMail(raw: string): Pick<ReceivedMail, 'subject' | 'text' | 'html'> {
  // The last line break belongs to the DATA terminator (CRLF.CRLF), not to the body.
  const message = parseEntity(raw.replace(/\r\n/g, '\n').replace(/\n$/, ''));
  const subject = message.headers.get('subject');
  return {
    subject: subject === undefined ? '' : decodeEncodedWords(subject),
    text: findPart(message, 'text/plain') ?? '',
    html: findPart(message, 'text/html') ?? '',
  };
}

/** Starts a real SMTP server on 127.0.0.1 that keeps every message it accepts, standing in for the tenant's mail relay. */
export async function startSmtpReceiver(options: SmtpReceiverOptions = {}): Promise<SmtpReceiver> {
  const { auth: credentials, tls = false, port = 0 } = options;
  const messages: ReceivedMail[] = [];
  const waiters = new Set<{
    count: number;
    resolve: (mails: ReceivedMail[]) => void;
    reject: (error: Error) => void;
    timer: NodeJS.Timeout;
  }>();

  const server = new SMTPServer({
    secure: false,
    ...(tls ? {} : { disabledCommands: ['STARTTLS'] }),
    authMethods: ['PLAIN', 'LOGIN'],
    authOptional: credentials === undefined,
    // Plain-text AUTH is what the app's SMTP client does against a local relay in tests.
    allowInsecureAuth: true,
    // A reverse DNS lookup of 127.0.0.1 can stall where there is no resolver.
    disableReverseLookup: true,
    logger: false,
    onAuth(auth: SMTPServerAuthentication, _session, callback) {
      if (credentials === undefined || (auth.username === credentials.user && auth.password === credentials.password)) {
        return callback(null, { user: auth.username ?? 'anonymous' });
      }
      callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.once('error', (error: Error) => callback(error));
      stream.once('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        messages.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((recipient) => recipient.address),
          raw,
          ...readMail(raw),
        });
        for (const waiter of waiters) {
          if (messages.length < waiter.count) continue;
          clearTimeout(waiter.timer);
          waiters.delete(waiter);
          waiter.resolve([...messages]);
        }
        callback();
      });
    },
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.server.address() as AddressInfo;

  return {
    host: '127.0.0.1',
    port: address.port,
    messages,
    waitForMessages(count, timeoutMs = 5000) {
      if (messages.length >= count) return Promise.resolve([...messages]);
      return new Promise((resolve, reject) => {
        const waiter = {
          count,
          resolve,
          reject,
          timer: setTimeout(() => {
            waiters.delete(waiter);
            reject(new Error(`SMTP receiver: expected ${count} message(s) within ${timeoutMs} ms, got ${messages.length}`));
          }, timeoutMs),
        };
        waiters.add(waiter);
      });
    },
    close() {
      for (const waiter of waiters) {
        clearTimeout(waiter.timer);
        waiter.reject(new Error(`SMTP receiver closed with ${messages.length} of ${waiter.count} message(s)`));
      }
      waiters.clear();
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        // smtp-server would wait 30 s for open sessions (e.g. a pooled transport) before ending them.
        for (const connection of server.connections) connection.close();
      });
    },
  };
}

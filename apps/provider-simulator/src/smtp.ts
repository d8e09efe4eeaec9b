/**
 * The simulator's SMTP endpoint: `smtp-server` speaks the protocol, `mailparser` reads each mail;
 * both stored like the other providers' messages (provider `smtp`). Plain text on loopback only:
 * STARTTLS is not offered. With credentials configured, AUTH (PLAIN/LOGIN) is required and checked.
 */
import type { AddressInfo } from 'node:net';
import type { SMTPServer, SMTPServerAuthentication, SMTPServerDataStream, SMTPServerSession } from 'smtp-server';
import type { AddressObject } from 'mailparser';
import type { SimContext } from './context.js';
import { ids } from './context.js';

export interface SmtpEndpoint {
  port: number;
  close(): Promise<void>;
}

const addresses = (a: AddressObject | AddressObject[] | undefined): string =>
  (Array.isArray(a) ? a : a ? [a] : []).map((x) => x.text).join(', ');

export async function startSmtp(ctx: SimContext, port: number, host: string): Promise<SmtpEndpoint> {
  const { SMTPServer: Server } = await import('smtp-server');
  const creds = ctx.opts.credentials.smtp;
  const server: SMTPServer = new Server({
    banner: 'Lekha provider simulator',
    authOptional: !creds,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    authMethods: ['PLAIN', 'LOGIN'],
    logger: false,
    size: 10 * 1024 * 1024,
    onAuth(auth: SMTPServerAuthentication, _session: SMTPServerSession, callback) {
      if (!creds || (auth.username === creds.user && auth.password === creds.pass))
        return callback(null, { user: auth.username });
      const err = Object.assign(new Error('Invalid username or password'), { responseCode: 535 });
      return callback(err);
    },
    onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback) {
      void (async () => {
        try {
          const { simpleParser } = await import('mailparser');
          const mail = await simpleParser(stream);
          if (stream.sizeExceeded) {
            callback(Object.assign(new Error('Message exceeds the size limit'), { responseCode: 552 }));
            return;
          }
          const envelopeTo = session.envelope.rcptTo.map((r) => r.address).join(',');
          const mailFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
          const id = mail.messageId ?? `<${ids.msg91()}@provider-simulator>`;
          ctx.store.add({
            provider: 'smtp',
            direction: 'outbound',
            receivedAt: new Date().toISOString(),
            request: {
              channel: 'email',
              to: envelopeTo || addresses(mail.to),
              from: mailFrom || mail.from?.text,
              ...(mail.subject !== undefined ? { subject: mail.subject } : {}),
              text: mail.text ?? (typeof mail.html === 'string' ? mail.html : ''),
            },
            response: { status: 250, providerMessageId: id },
            webhooks: [],
          });
          callback(null, `Message queued as ${id}`);
        } catch (err) {
          callback(err as Error);
        }
      })();
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', () => undefined);
  return {
    port: (server.server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

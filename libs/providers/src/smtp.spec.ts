import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import type { OutboundMessage } from './port.js';
import { SmtpEmailProvider } from './smtp.js';

interface Received {
  from: string;
  to: string[];
  user?: string;
  raw: string;
}

/** A real SMTP server on a free loopback port, plain text (no STARTTLS), AUTH PLAIN/LOGIN. */
async function startSmtp(options: Partial<SMTPServerOptions> = {}) {
  const received: Received[] = [];
  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN'],
    logger: false,
    // A session the client gave up on is cut at close instead of waiting out its socket timeout.
    closeTimeout: 100,
    onAuth(auth, _session, callback) {
      if (auth.username === 'lekha' && auth.password === 's3cret') callback(null, { user: auth.username });
      else callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          user: session.user as string | undefined,
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback(null, 'Message queued as q1');
      });
    },
    ...options,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return { server, port, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** Header fields of a raw message, unfolded, names lower-cased. */
function headersOf(raw: string): Record<string, string> {
  const head = raw.split(/\r?\n\r?\n/)[0]!.replace(/\r?\n[ \t]+/g, ' ');
  const fields: Record<string, string> = {};
  for (const line of head.split(/\r?\n/)) {
    const at = line.indexOf(':');
    if (at > 0) fields[line.slice(0, at).toLowerCase()] = line.slice(at + 1).trim();
  }
  return fields;
}

function bodyOf(raw: string): string {
  return raw
    .split(/\r?\n\r?\n/)
    .slice(1)
    .join('\n\n')
    .trim();
}

const email: OutboundMessage = {
  messageId: 'msg_01HZXEMAIL',
  channel: 'email',
  to: 'ravi@example.in',
  text: 'Your invoice INV-2026/0042 for ₹1,180.00 is ready.',
  email: { subject: 'Your invoice from Lekha' },
};

describe('SmtpEmailProvider', () => {
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  const providers: SmtpEmailProvider[] = [];
  function provider(url: string, extra: { timeoutMs?: number; pool?: boolean } = {}) {
    const p = new SmtpEmailProvider({ url, from: 'Lekha <no-reply@lekha.test>', timeoutMs: 3000, ...extra });
    providers.push(p);
    return p;
  }
  beforeEach(async () => {
    smtp = await startSmtp();
  });
  afterEach(async () => {
    for (const p of providers.splice(0)) p.close();
    await smtp.close();
  });

  it('delivers over SMTP with AUTH; Message-ID is our message ID; From, To, Subject, body as given', async () => {
    const result = await provider(`smtp://lekha:s3cret@127.0.0.1:${smtp.port}`).send(email);
    expect(result).toEqual({ ok: true, providerMessageId: '<msg_01HZXEMAIL@lekha.test>' });
    expect(smtp.received).toHaveLength(1);
    const [mail] = smtp.received;
    expect(mail!.user).toBe('lekha');
    expect(mail!.from).toBe('no-reply@lekha.test');
    expect(mail!.to).toEqual(['ravi@example.in']);
    const headers = headersOf(mail!.raw);
    expect(headers['message-id']).toBe('<msg_01HZXEMAIL@lekha.test>');
    expect(headers['from']).toBe('Lekha <no-reply@lekha.test>');
    expect(headers['to']).toBe('ravi@example.in');
    expect(headers['subject']).toBe('Your invoice from Lekha');
    expect(headers['content-type']).toMatch(/^text\/plain; charset=utf-8/);
    const body = bodyOf(mail!.raw);
    const decoded =
      headers['content-transfer-encoding'] === 'quoted-printable'
        ? Buffer.from(
            body
              .replace(/=\r?\n/g, '')
              .replace(/=([0-9A-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16))),
            'latin1',
          ).toString('utf8')
        : body;
    expect(decoded).toBe(email.text);
  });

  it('a per-message From overrides the default; pooled sends reuse one connection', async () => {
    await smtp.close();
    let connections = 0;
    smtp = await startSmtp({
      onConnect(_session, callback) {
        connections++;
        callback();
      },
    });
    const pooled = provider(`smtp://lekha:s3cret@127.0.0.1:${smtp.port}`);
    for (const id of ['a', 'b', 'c']) {
      const result = await pooled.send({
        ...email,
        messageId: `msg_${id}`,
        email: { subject: 's', from: 'Clinic <care@clinic.test>' },
      });
      expect(result.ok).toBe(true);
    }
    expect(connections).toBe(1);
    expect(smtp.received.map((m) => m.from)).toEqual(['care@clinic.test', 'care@clinic.test', 'care@clinic.test']);
    expect(smtp.received.map((m) => headersOf(m.raw)['message-id'])).toEqual([
      '<msg_a@lekha.test>',
      '<msg_b@lekha.test>',
      '<msg_c@lekha.test>',
    ]);
  });

  it('wrong password → AUTH_FAILED, certainly not accepted', async () => {
    const result = await provider(`smtp://lekha:wrong@127.0.0.1:${smtp.port}`).send(email);
    expect(result).toMatchObject({ ok: false, code: 'AUTH_FAILED', maybeAccepted: false, retryable: false });
    expect(smtp.received).toHaveLength(0);
  });

  it('recipient refused with 550 → INVALID_RECIPIENT; 452 → retryable', async () => {
    await smtp.close();
    smtp = await startSmtp({
      authOptional: true,
      onRcptTo(address, _session, callback) {
        if (address.address.startsWith('full')) {
          callback(Object.assign(new Error('Too many recipients'), { responseCode: 452 }));
        } else callback(Object.assign(new Error('No such user here'), { responseCode: 550 }));
      },
    });
    const p = provider(`smtp://127.0.0.1:${smtp.port}`);
    expect(await p.send(email)).toMatchObject({
      ok: false,
      code: 'INVALID_RECIPIENT',
      providerCode: '550',
      maybeAccepted: false,
      retryable: false,
    });
    expect(await p.send({ ...email, to: 'full@example.in' })).toMatchObject({
      ok: false,
      code: 'RATE_LIMITED',
      retryable: true,
      maybeAccepted: false,
    });
  });

  it('connection refused → PROVIDER_UNAVAILABLE, certainly not accepted', async () => {
    const port = smtp.port;
    await smtp.close();
    smtp = await startSmtp();
    const result = await provider(`smtp://127.0.0.1:${port}`, { pool: false }).send(email);
    expect(result).toMatchObject({ ok: false, code: 'PROVIDER_UNAVAILABLE', maybeAccepted: false, retryable: true });
  });

  it('a server that never greets → TIMEOUT within the timeout, nothing handed over', async () => {
    const sockets: Socket[] = [];
    const silent: NetServer = createNetServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as AddressInfo).port;
    try {
      const started = performance.now();
      const result = await provider(`smtp://127.0.0.1:${port}`, { timeoutMs: 600, pool: false }).send(email);
      expect(performance.now() - started).toBeLessThan(600 + 700);
      expect(result).toMatchObject({ ok: false, code: 'TIMEOUT', maybeAccepted: false, retryable: true });
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it('a server that takes the data and never answers → TIMEOUT, maybe accepted', async () => {
    await smtp.close();
    smtp = await startSmtp({
      authOptional: true,
      onData(stream) {
        stream.resume();
      },
    });
    const started = performance.now();
    const result = await provider(`smtp://127.0.0.1:${smtp.port}`, { timeoutMs: 600, pool: false }).send(email);
    expect(performance.now() - started).toBeLessThan(600 + 700);
    expect(result).toMatchObject({ ok: false, code: 'TIMEOUT', maybeAccepted: true, retryable: true });
  });

  it('a caller abort: before the send nothing goes out; during it the outcome is unknown', async () => {
    const before = new AbortController();
    before.abort();
    const p = provider(`smtp://lekha:s3cret@127.0.0.1:${smtp.port}`, { pool: false });
    expect(await p.send(email, { signal: before.signal })).toMatchObject({ code: 'TIMEOUT', maybeAccepted: false });
    expect(smtp.received).toHaveLength(0);

    await smtp.close();
    smtp = await startSmtp({ authOptional: true, onData: (stream) => stream.resume() });
    const during = new AbortController();
    setTimeout(() => during.abort(), 200);
    const started = performance.now();
    const result = await provider(`smtp://127.0.0.1:${smtp.port}`, { pool: false }).send(email, {
      signal: during.signal,
    });
    expect(performance.now() - started).toBeLessThan(1500);
    expect(result).toMatchObject({ ok: false, code: 'TIMEOUT', maybeAccepted: true });
  });

  it('refuses a non-email channel or address without connecting', async () => {
    const p = provider(`smtp://127.0.0.1:${smtp.port}`);
    expect(await p.send({ ...email, channel: 'sms' })).toMatchObject({ ok: false, code: 'REJECTED' });
    expect(await p.send({ ...email, to: 'ravi at example' })).toMatchObject({ ok: false, code: 'INVALID_RECIPIENT' });
    expect(smtp.received).toHaveLength(0);
  });
});

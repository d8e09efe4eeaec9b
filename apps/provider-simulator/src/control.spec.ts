import { connect, type Socket } from 'node:net';
import { escapeHtml } from './page.js';
import { startSimulator, type SimMessage, type Simulator } from './simulator.js';

let sim: Simulator;
const smtp = { user: 'lekha-mailer', pass: 'mail-secret' };
const MSG91_KEY = 'msg91-key';

beforeAll(async () => {
  sim = await startSimulator({ credentials: { msg91: { authKey: MSG91_KEY }, smtp } });
});
afterAll(async () => {
  await sim.stop();
});
beforeEach(async () => {
  await fetch(`${sim.url}/_sim/messages`, { method: 'DELETE' });
});

function msg91(mobiles: string, VAR1 = 'Asha') {
  return fetch(`${sim.url}/api/v5/flow`, {
    method: 'POST',
    headers: { authkey: MSG91_KEY, 'content-type': 'application/json' },
    body: JSON.stringify({ template_id: 't1', recipients: [{ mobiles, VAR1 }] }),
  });
}

async function messages(query = ''): Promise<SimMessage[]> {
  const res = await fetch(`${sim.url}/_sim/messages${query}`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { messages: SimMessage[] }).messages;
}

/** A minimal SMTP client over a raw socket: sends each line, returns every reply. */
async function smtpDialogue(lines: string[]): Promise<string[]> {
  const socket: Socket = connect(sim.smtpPort!, '127.0.0.1');
  socket.setEncoding('utf8');
  let buffer = '';
  const replies: string[] = [];
  let wake: (() => void) | undefined;
  socket.on('data', (d: string) => {
    buffer += d;
    // A reply ends with a line whose code is followed by a space.
    while (/^\d{3} .*\r\n/m.test(buffer)) {
      const m = /^(?:\d{3}-.*\r\n)*\d{3} .*\r\n/.exec(buffer);
      if (!m) break;
      replies.push(m[0].trim());
      buffer = buffer.slice(m[0].length);
      wake?.();
    }
  });
  const next = (count: number) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`SMTP: no reply after ${replies.join(' / ')}`)), 3000);
      const check = () => {
        if (replies.length >= count) {
          clearTimeout(timer);
          wake = undefined;
          resolve();
        }
      };
      wake = check;
      check();
    });
  await next(1);
  let inData = false;
  for (const line of lines) {
    socket.write(`${line}\r\n`);
    if (inData && line !== '.') continue;
    await next(replies.length + 1);
    if (line === 'DATA') inData = true;
    if (line === '.') inData = false;
  }
  socket.end();
  return replies;
}

describe('control API', () => {
  it('lists messages newest first, filtered by provider and recipient, with a limit', async () => {
    await msg91('919876543210', 'first');
    await msg91('919812345678', 'second');
    await msg91('919876543210', 'third');
    const all = await messages();
    expect(all.map((m) => (m.request.variables as Record<string, string>).VAR1)).toEqual(['third', 'second', 'first']);
    const asha = await messages('?to=%2B91%2098765%2043210&provider=msg91');
    expect(asha).toHaveLength(2);
    expect(asha.every((m) => m.request.to === '919876543210')).toBe(true);
    expect(await messages('?limit=1')).toHaveLength(1);
    const byId = await messages(`?id=${all[1].response.providerMessageId}`);
    expect(byId.map((m) => m.id)).toEqual([all[1].id]);
    expect(await messages('?provider=twilio')).toHaveLength(0);
    expect(all[0]).toMatchObject({ provider: 'msg91', direction: 'outbound', response: { status: 200 } });
    expect(all[0].response.providerMessageId).toMatch(/^[0-9a-f]{24}$/);
  });

  it('counts per provider in /_sim/stats, and DELETE /_sim/messages clears both', async () => {
    await msg91('919876543210');
    await fetch(`${sim.url}/api/v5/flow`, { method: 'POST', headers: { authkey: 'no' }, body: '{}' });
    const stats = (await (await fetch(`${sim.url}/_sim/stats`)).json()) as {
      providers: Record<string, { accepted: number; rejected: number }>;
      stored: number;
    };
    expect(stats.providers.msg91).toMatchObject({ accepted: 1, rejected: 1 });
    expect(stats.stored).toBe(2);
    const cleared = await fetch(`${sim.url}/_sim/messages`, { method: 'DELETE' });
    expect(await cleared.json()).toEqual({ cleared: 2 });
    expect(await messages()).toEqual([]);
  });

  it('refuses bad queries and unknown routes with a clear error', async () => {
    const badProvider = await fetch(`${sim.url}/_sim/messages?provider=pigeon`);
    expect(badProvider.status).toBe(400);
    expect(await badProvider.json()).toEqual({
      error: { code: 'INVALID_QUERY', message: 'unknown provider "pigeon"' },
    });
    expect((await fetch(`${sim.url}/_sim/messages?limit=0`)).status).toBe(400);
    const tooMany = await fetch(`${sim.url}/_sim/messages?limit=10001`);
    expect(tooMany.status).toBe(400);
    expect(await tooMany.json()).toEqual({
      error: { code: 'INVALID_QUERY', message: 'limit must be a whole number from 1 to 10000' },
    });
    const unknown = await fetch(`${sim.url}/nowhere`);
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
    const badJson = await fetch(`${sim.url}/_sim/behaviour`, { method: 'POST', body: '{' });
    expect(badJson.status).toBe(400);
  });

  it('lists up to its capacity when that is above 10,000', async () => {
    const large = await startSimulator({ capacity: 20_000, smtpPort: false, credentials: {} });
    try {
      expect((await fetch(`${large.url}/_sim/messages?limit=20000`)).status).toBe(200);
      expect((await fetch(`${large.url}/_sim/messages?limit=20001`)).status).toBe(400);
    } finally {
      await large.stop();
    }
  });

  it('keeps only the last `capacity` messages', async () => {
    const small = await startSimulator({ capacity: 3, smtpPort: false, credentials: { msg91: { authKey: 'k' } } });
    try {
      for (let i = 0; i < 5; i++)
        await fetch(`${small.url}/api/v5/flow`, {
          method: 'POST',
          headers: { authkey: 'k' },
          body: JSON.stringify({ template_id: 't', recipients: [{ mobiles: '919876543210', n: String(i) }] }),
        });
      const kept = small.store.list();
      expect(kept.map((m) => (m.request.variables as Record<string, string>).n)).toEqual(['4', '3', '2']);
      expect(small.store.size).toBe(3);
    } finally {
      await small.stop();
    }
  });

  it('shows the latest messages on an HTML page with everything escaped', async () => {
    await msg91('919876543210', '<script>alert("x")</script>');
    const res = await fetch(`${sim.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await res.text();
    expect(html).not.toContain('<script>alert');
    expect(html).toContain('&lt;script&gt;alert(\\&quot;x\\&quot;)&lt;/script&gt;');
    expect(html).toContain('919876543210');
    expect(escapeHtml(`<a href='x'>&`)).toBe('&lt;a href=&#39;x&#39;&gt;&amp;');
  });
});

describe('SMTP endpoint', () => {
  const auth = Buffer.from(`\0${smtp.user}\0${smtp.pass}`).toString('base64');
  const mail = [
    'From: Lekha <no-reply@lekha.localhost>',
    'To: asha@example.in',
    'Subject: Your sign-in code',
    'Message-ID: <msg-123@lekha.localhost>',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Your code is 123456.',
    '.',
  ];

  it('takes a mail after AUTH PLAIN and stores it parsed', async () => {
    const replies = await smtpDialogue([
      'EHLO test.local',
      `AUTH PLAIN ${auth}`,
      'MAIL FROM:<no-reply@lekha.localhost>',
      'RCPT TO:<asha@example.in>',
      'DATA',
      ...mail,
      'QUIT',
    ]);
    expect(replies[0]).toMatch(/^220 /);
    expect(replies.some((r) => r.startsWith('235'))).toBe(true);
    expect(replies.find((r) => r.includes('queued as'))).toMatch(/^250 /);
    const [stored] = await messages('?provider=smtp&to=ASHA@example.in');
    expect(stored.request).toMatchObject({
      channel: 'email',
      to: 'asha@example.in',
      from: 'no-reply@lekha.localhost',
      subject: 'Your sign-in code',
      text: expect.stringMatching(/^Your code is 123456\.\s*$/),
    });
    expect(stored.response.providerMessageId).toBe('<msg-123@lekha.localhost>');
  });

  it('refuses wrong credentials (535) and mail without AUTH (530)', async () => {
    const bad = Buffer.from(`\0${smtp.user}\0wrong`).toString('base64');
    const replies = await smtpDialogue(['EHLO test.local', `AUTH PLAIN ${bad}`, 'MAIL FROM:<a@b.in>', 'QUIT']);
    expect(replies[2]).toMatch(/^535 /);
    expect(replies[3]).toMatch(/^530 /);
    expect(await messages('?provider=smtp')).toHaveLength(0);
  });
});

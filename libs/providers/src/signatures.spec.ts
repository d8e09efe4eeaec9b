import { randomBytes, randomInt } from 'node:crypto';
import twilio from 'twilio';
import {
  metaSignature,
  safeEqual,
  twilioBodyHash,
  twilioSignature,
  verifyMetaSignature,
  verifyTwilioSignature,
} from './signatures.js';

describe('Twilio X-Twilio-Signature: published test vectors (twilio-node spec/validation.spec.js)', () => {
  const token = '12345';
  const params = {
    CallSid: 'CA1234567890ABCDE',
    Caller: '+14158675309',
    Digits: '1234',
    From: '+14158675309',
    To: '+18005551212',
  };
  const body = '{"property": "value", "boolean": true}';
  const bodyHash = '0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620';

  it('form parameters: URL followed by sorted name+value pairs', () => {
    const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
    expect(twilioSignature(token, url, params)).toBe('RSOYDt4T1cUTdK1PDd93/VVr8B8=');
    expect(verifyTwilioSignature(token, 'RSOYDt4T1cUTdK1PDd93/VVr8B8=', url, params)).toBe(true);
  });

  it('JSON body: bodySHA256 in the signed URL, no parameters', () => {
    expect(twilioBodyHash(body)).toBe(bodyHash);
    const url = `https://mycompany.com/myapp.php?foo=1&bar=2&bodySHA256=${bodyHash}`;
    expect(twilioSignature(token, url, {})).toBe('a9nBmqA0ju/hNViExpshrM61xv4=');
  });

  it('http with port 1234 (form parameters), as twilio-node and the other official SDKs test it', () => {
    const url = 'http://mycompany.com:1234/myapp.php?foo=1&bar=2';
    expect(twilioSignature(token, url, params)).toBe('Zmvh+3yNM1Phv2jhDCwEM3q5ebU=');
    expect(verifyTwilioSignature(token, 'Zmvh+3yNM1Phv2jhDCwEM3q5ebU=', url, params)).toBe(true);
  });

  it('port variants: stripped from https:1234, 443 added to https, 80 added to http (SDK vectors)', () => {
    const https = 'https://mycompany.com/myapp.php?foo=1&bar=2';
    const http = 'http://mycompany.com/myapp.php?foo=1&bar=2';
    expect(
      verifyTwilioSignature(token, 'RSOYDt4T1cUTdK1PDd93/VVr8B8=', https.replace('.com', '.com:1234'), params),
    ).toBe(true);
    expect(verifyTwilioSignature(token, 'kvajT1Ptam85bY51eRf/AJRuM3w=', https, params)).toBe(true);
    expect(twilioSignature(token, 'https://mycompany.com:443/myapp.php?foo=1&bar=2', params)).toBe(
      'kvajT1Ptam85bY51eRf/AJRuM3w=',
    );
    expect(verifyTwilioSignature(token, '0ZXoZLH/DfblKGATFgpif+LLRf4=', http, params)).toBe(true);
  });

  it('refuses a wrong token, a changed parameter, a changed URL and a missing header', () => {
    const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
    const good = 'RSOYDt4T1cUTdK1PDd93/VVr8B8=';
    expect(verifyTwilioSignature('54321', good, url, params)).toBe(false);
    expect(verifyTwilioSignature(token, good, url, { ...params, Digits: '1235' })).toBe(false);
    expect(verifyTwilioSignature(token, good, 'https://mycompany.com/myapp.php?foo=1&bar=3', params)).toBe(false);
    expect(verifyTwilioSignature(token, undefined, url, params)).toBe(false);
  });
});

/** Random printable text, with Unicode, separators and URL-special characters in it. */
function randomText(max: number): string {
  const alphabet = 'abcXYZ019 +&=?/%#:._-~ऀनमस्ते₹😀"\'<>';
  const chars = [...alphabet];
  let out = '';
  for (let i = randomInt(0, max); i > 0; i--) out += chars[randomInt(chars.length)];
  return out;
}

function randomCase(): { url: string; params: Record<string, string | string[]>; token: string } {
  const scheme = randomInt(2) ? 'https' : 'http';
  const port = [undefined, 443, 80, 8443, 3000][randomInt(5)];
  const path = `/v1/webhooks/${randomBytes(4).toString('hex')}/status`;
  const query = randomInt(2) ? `?t=${randomBytes(3).toString('hex')}&a=${encodeURIComponent(randomText(6))}` : '';
  const url = `${scheme}://example.test${port ? `:${port}` : ''}${path}${query}`;
  const params: Record<string, string | string[]> = {};
  const names = ['MessageSid', 'MessageStatus', 'Body', 'From', 'To', 'ErrorCode', 'body', 'a', 'Z', 'RawDlrDoneDate'];
  for (const name of names) {
    if (randomInt(3) === 0) continue;
    params[name] = randomInt(6) === 0 ? [randomText(8), randomText(8), randomText(8)] : randomText(20);
  }
  return { url, params, token: randomBytes(16).toString('hex') };
}

describe('Twilio signatures against the official twilio SDK', () => {
  it('our twilioSignature equals twilio.getExpectedTwilioSignature for 500 random URLs and parameter sets', () => {
    for (let i = 0; i < 500; i++) {
      const { url, params, token } = randomCase();
      expect({ url, sig: twilioSignature(token, url, params) }).toEqual({
        url,
        sig: twilio.getExpectedTwilioSignature(token, url, params),
      });
    }
  });

  it('twilio.validateRequest accepts our signatures, and we accept the SDK’s (port added or stripped)', () => {
    for (let i = 0; i < 300; i++) {
      const { url, params, token } = randomCase();
      const ours = twilioSignature(token, url, params);
      expect(twilio.validateRequest(token, ours, url, params)).toBe(true);
      const sdk = twilio.getExpectedTwilioSignature(token, url, params);
      expect(verifyTwilioSignature(token, sdk, url, params)).toBe(true);
      // Twilio may sign the URL with the default port while the gateway sees it without (or the reverse).
      const u = new URL(url);
      if (!u.port) {
        const withPort = `${u.protocol}//${u.hostname}:${u.protocol === 'https:' ? 443 : 80}${u.pathname}${u.search}`;
        expect(
          verifyTwilioSignature(token, twilio.getExpectedTwilioSignature(token, withPort, params), url, params),
        ).toBe(true);
      }
      expect(verifyTwilioSignature(token, sdk, url, { ...params, Extra: 'x' })).toBe(false);
      expect(twilio.validateRequest(`${token}x`, ours, url, params)).toBe(false);
    }
  });

  it('the body hash equals twilio.getExpectedBodyHash and validateRequestWithBody accepts our signature', () => {
    for (let i = 0; i < 100; i++) {
      const body = JSON.stringify({ text: randomText(40), n: randomInt(1000) });
      const token = randomBytes(16).toString('hex');
      expect(twilioBodyHash(body)).toBe(twilio.getExpectedBodyHash(body));
      const url = `https://example.test/hook?x=${i}&bodySHA256=${twilioBodyHash(body)}`;
      expect(twilio.validateRequestWithBody(token, twilioSignature(token, url, {}), url, body)).toBe(true);
    }
  });
});

describe('Meta X-Hub-Signature-256', () => {
  // Vectors computed independently with OpenSSL, e.g.
  //   printf '%s' '<body>' | openssl dgst -sha256 -hmac '<app secret>'
  // and prefixed with `sha256=`. The first is also the whatsapp SDK docs' vector (providers.md §4).
  const statusBody =
    '{"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"field":"messages",' +
    '"value":{"messaging_product":"whatsapp","statuses":[{"id":"wamid.HBgMOTE5ODc2NTQzMjEwFQIAERgSQzVFMjg0",' +
    '"status":"read","timestamp":"1764530000","recipient_id":"919876543210"}]}}]}]}';
  const vectors: [string, string, string][] = [
    ['secret', 'test', 'sha256=0329a06b62cd16b33eb6792be8c60b158d89a2ee3a876fce9a881ebb488c0914'],
    ['lekha-app-secret', statusBody, 'sha256=e21d605cb4b36db1ad2b3858e643813724b273e082370d3683f79f5dfea31768'],
    // UTF-8 bytes as sent, not \u escapes: hashing the raw body as received.
    [
      'lekha-app-secret',
      '{"text":"नमस्ते ₹500"}',
      'sha256=d19eccb592f8de31314034f48fcc130b4146f9c5dd9bfc25b03ce16c775786b8',
    ],
  ];

  it.each(vectors)('secret %j over the raw body gives the OpenSSL vector', (secret, body, expected) => {
    expect(metaSignature(secret, body)).toBe(expected);
    expect(metaSignature(secret, Buffer.from(body, 'utf8'))).toBe(expected);
    expect(verifyMetaSignature(secret, expected, Buffer.from(body, 'utf8'))).toBe(true);
  });

  it('refuses a wrong secret, a changed body, a missing or truncated header', () => {
    const [, body, sig] = vectors[1]!;
    expect(verifyMetaSignature('other-secret', sig, body)).toBe(false);
    expect(verifyMetaSignature('lekha-app-secret', sig, body.replace('read', 'sent'))).toBe(false);
    expect(verifyMetaSignature('lekha-app-secret', undefined, body)).toBe(false);
    expect(verifyMetaSignature('lekha-app-secret', sig.slice(0, -1), body)).toBe(false);
    expect(verifyMetaSignature('lekha-app-secret', sig.replace('sha256=', ''), body)).toBe(false);
  });

  it('safeEqual is false on different lengths and true only on equal strings', () => {
    expect(safeEqual('abc', 'abc')).toBe(true);
    expect(safeEqual('abc', 'abd')).toBe(false);
    expect(safeEqual('abc', 'abcd')).toBe(false);
  });
});

import express from 'express';
import { loadConfig } from '@lekha/runtime';
import { gatewayConfigSchema } from '../config/gateway.config.js';
import { trustProxySetting } from './http-hardening.js';

const base = {
  KAFKA_BROKERS: '127.0.0.1:9092',
  LEKHA_BUS_KEY: Buffer.alloc(32, 1).toString('base64'),
  AUDIT_SIGNING_KEY_FILE: '/dev/null',
};
const config = (env: Record<string, string>) => loadConfig(gatewayConfigSchema, { ...base, ...env });
type Setting = ReturnType<typeof trustProxySetting>;

/** Which address Express reports for a request from `socket` carrying `X-Forwarded-For: forwarded`. */
function clientIp(setting: Setting, socket: string, forwarded: string): string | undefined {
  const app = express();
  app.set('trust proxy', setting);
  const req = Object.create(app.request, {
    app: { value: app },
    headers: { value: { 'x-forwarded-for': forwarded } },
    socket: { value: { remoteAddress: socket } },
    connection: { value: { remoteAddress: socket } },
  }) as express.Request;
  return req.ip;
}

describe('security #7: which proxies the gateway believes', () => {
  it('by default believes none: the socket address, whatever X-Forwarded-For says', () => {
    const setting = trustProxySetting(config({}));
    expect(setting).toBe(false);
    expect(clientIp(setting, '198.51.100.9', '203.0.113.1')).toBe('198.51.100.9');
  });

  it('with hops, takes the address that many proxies from the right (a client cannot push its own in)', () => {
    const setting = trustProxySetting(config({ TRUSTED_PROXY_HOPS: '1' }));
    expect(setting).toBe(1);
    expect(clientIp(setting, '10.0.0.5', '203.0.113.1, 198.51.100.7')).toBe('198.51.100.7');
  });

  it('with a list of proxies, takes the last address not among them', () => {
    const setting = trustProxySetting(config({ TRUSTED_PROXIES: '10.0.0.0/8, loopback', TRUSTED_PROXY_HOPS: '3' }));
    expect(setting).toEqual(['10.0.0.0/8', 'loopback']);
    expect(clientIp(setting, '10.0.0.5', '203.0.113.1, 198.51.100.7, 10.1.2.3')).toBe('198.51.100.7');
    expect(clientIp(setting, '198.51.100.9', '203.0.113.1')).toBe('198.51.100.9');
  });

  it('refuses a malformed proxy list or hop count, naming the variable', () => {
    expect(() => config({ TRUSTED_PROXIES: '10.0.0.0/33' })).toThrow(/TRUSTED_PROXIES/);
    expect(() => config({ TRUSTED_PROXIES: 'example.com' })).toThrow(/TRUSTED_PROXIES/);
    expect(() => config({ TRUSTED_PROXY_HOPS: '-1' })).toThrow(/TRUSTED_PROXY_HOPS/);
  });
});

import type { NestExpressApplication } from '@nestjs/platform-express';
import type { GatewayConfig } from '../config/gateway.config.js';

/**
 * Express settings of the public surface: no `X-Powered-By` (it names the framework to every
 * caller), and which proxies' `X-Forwarded-For` to believe. By default none: the client address
 * is the socket's, and a header a client sends changes nothing. Behind load balancers, either
 * `TRUSTED_PROXIES` (their addresses or CIDRs: the client is the last address not among them) or
 * `TRUSTED_PROXY_HOPS` (how many proxies stand in front: the client is that many from the right).
 */
type ProxyConfig = Pick<GatewayConfig, 'TRUSTED_PROXY_HOPS' | 'TRUSTED_PROXIES'>;

export function hardenHttp(app: NestExpressApplication, config: ProxyConfig): void {
  app.disable('x-powered-by');
  app.set('trust proxy', trustProxySetting(config));
}

export function trustProxySetting(config: ProxyConfig): boolean | number | string[] {
  if (config.TRUSTED_PROXIES.length) return config.TRUSTED_PROXIES;
  return config.TRUSTED_PROXY_HOPS > 0 ? config.TRUSTED_PROXY_HOPS : false;
}

import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { API_KEY_PREFIX, ApiKeyOps } from '@lekha/contracts';
import { BusClient } from '../bus/bus-client.js';

/** At most this long; an exchanged token is still checked against the revocation list on every use. */
const CACHE_MS = 60_000;
const MAX_ENTRIES = 10_000;

/**
 * Turns an API key into a short-lived access token from identity, so the rest of the gateway (JWT
 * verification, revocation list, permission guard) treats a key like any token. Answers are
 * cached for at most a minute, keyed by a hash of the key (the key itself is never kept); requests that
 * arrive with the same key while its exchange is in flight share that exchange (a burst of a new key's
 * first requests is one exchange, not one each racing for the key's row in identity).
 */
@Injectable()
export class ApiKeyExchange {
  private readonly cache = new Map<string, { token: string; until: number }>();
  private readonly inFlight = new Map<string, Promise<string>>();

  constructor(private readonly bus: BusClient) {}

  /** The API key a request carries (`Authorization: Bearer lk_live_…` or `X-Api-Key`), if any. */
  static keyOf(headers: Record<string, string | string[] | undefined>): string | null {
    const bearer = /^Bearer (\S+)$/i.exec(String(headers.authorization ?? ''))?.[1];
    if (bearer?.startsWith(API_KEY_PREFIX)) return bearer;
    const header = headers['x-api-key'];
    const key = Array.isArray(header) ? header[0] : header;
    return key && !bearer ? key.trim() : null;
  }

  async accessToken(key: string): Promise<string> {
    const id = createHash('sha256').update(key).digest('base64url');
    const now = Date.now();
    const hit = this.cache.get(id);
    if (hit && hit.until > now) return hit.token;
    let exchange = this.inFlight.get(id);
    if (!exchange) {
      exchange = this.exchange(id, key).finally(() => this.inFlight.delete(id));
      this.inFlight.set(id, exchange);
    }
    return exchange;
  }

  private async exchange(id: string, key: string): Promise<string> {
    const now = Date.now();
    const result = await this.bus.invoke(ApiKeyOps.exchange, { key });
    if (this.cache.size >= MAX_ENTRIES) this.cache.clear();
    this.cache.set(id, { token: result.accessToken, until: now + Math.min(CACHE_MS, (result.expiresIn * 1000) / 2) });
    return result.accessToken;
  }
}

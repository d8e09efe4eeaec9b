import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AuthOps } from '@lekha/contracts';
import { anonymousContext, runWithContext } from '@lekha/tenancy';
import { BusClient } from '../bus/bus-client.js';

const REFRESH_FLOOR_MS = 5000;

/** Identity's public keys, fetched over the bus and refreshed when an unknown key id appears. */
@Injectable()
export class JwksCache {
  private keys = new Map<string, KeyObject>();
  private jwks: { keys: JsonWebKey[] } = { keys: [] };
  private fetchedAt = 0;
  private inflight: Promise<void> | null = null;

  constructor(private readonly bus: BusClient) {}

  /**
   * A kid not seen yet (a rotation) refreshes the keys, at most once per REFRESH_FLOOR_MS: a token
   * naming an unknown kid within the floor waits for the next refresh instead of being refused, so
   * a key rotated just after a refresh is still accepted (and random kids cannot flood identity).
   */
  async key(kid: string): Promise<KeyObject | null> {
    if (!this.keys.has(kid)) {
      const wait = this.fetchedAt + REFRESH_FLOOR_MS - Date.now();
      if (wait > 0 && !this.inflight) await new Promise((r) => setTimeout(r, wait));
      if (!this.keys.has(kid))
        await (this.inflight ?? (Date.now() - this.fetchedAt >= REFRESH_FLOOR_MS ? this.refresh() : Promise.resolve()));
    }
    return this.keys.get(kid) ?? null;
  }

  /** The next lookup or document fetches the keys again (after a rotation through this gateway). */
  invalidate(): void {
    this.fetchedAt = 0;
  }

  async document(): Promise<{ keys: JsonWebKey[] }> {
    if (Date.now() - this.fetchedAt > 60_000) await this.refresh();
    return this.jwks;
  }

  private refresh(): Promise<void> {
    this.inflight ??= runWithContext(anonymousContext({ actorType: 'service', actorId: 'gateway' }), async () => {
      try {
        const doc = await this.bus.invoke(AuthOps.jwks, {}, 5000);
        const next = new Map<string, KeyObject>();
        for (const jwk of doc.keys) {
          if (jwk.kty === 'EC' && jwk.crv === 'P-256' && typeof jwk.kid === 'string')
            next.set(jwk.kid, createPublicKey({ key: jwk, format: 'jwk' }));
        }
        this.keys = next;
        this.jwks = doc;
        this.fetchedAt = Date.now();
      } finally {
        this.inflight = null;
      }
    });
    return this.inflight;
  }
}

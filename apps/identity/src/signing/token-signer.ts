import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomUUID,
  type JsonWebKey,
  type KeyObject,
} from 'node:crypto';
import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { SignJWT } from 'jose';
import { AuditOutbox } from '@lekha/audit';
import { open, seal } from '@lekha/crypto';
import type { Em } from '@lekha/persistence';
import { AppLogger, ConfigError, MASTER_KEY, InjectConfig } from '@lekha/runtime';
import type { AccessClaims } from '@lekha/contracts';
import type { IdentityConfig } from '../config/identity.config.js';
import { IdentityData } from '../data/identity-data.js';
import { SigningKeyRepository } from './signing-key.repository.js';

interface ActiveKey {
  kid: string;
  privateKey: KeyObject;
}

/**
 * Signs access tokens with ES256. Private keys are stored sealed under the master key; every
 * public key not yet retired is published in the JWKS, so rotation logs nobody out.
 *
 * Rotation: the newest non-retired key signs. Every instance re-reads it every
 * SIGNING_KEY_CHECK_SECONDS (so a key rotated by another instance, or on demand, is picked up),
 * rotates when the newest key is older than SIGNING_KEY_ROTATE_AFTER_HOURS, and retires a key once
 * its successor is older than the access-token lifetime plus SIGNING_KEY_GRACE_SECONDS: by then
 * every token it signed has expired. Retired keys leave the JWKS.
 */
@Injectable()
export class TokenSigner implements OnModuleInit, OnModuleDestroy {
  private active: ActiveKey | null = null;
  private timer: NodeJS.Timeout | null = null;
  private maintaining: Promise<void> | null = null;
  private readonly rotateListeners: (() => void | Promise<void>)[] = [];

  constructor(
    private readonly data: IdentityData,
    private readonly keys: SigningKeyRepository,
    @Inject(MASTER_KEY) private readonly masterKey: Buffer,
    @InjectConfig() private readonly config: IdentityConfig,
    private readonly logger: AppLogger,
    private readonly audit: AuditOutbox,
  ) {}

  async onModuleInit(): Promise<void> {
    // An instance may sign with a superseded key for up to one check: the grace must cover that.
    if (this.config.SIGNING_KEY_GRACE_SECONDS < this.config.SIGNING_KEY_CHECK_SECONDS) {
      throw new ConfigError(
        'SIGNING_KEY_GRACE_SECONDS',
        `must be at least SIGNING_KEY_CHECK_SECONDS (${this.config.SIGNING_KEY_CHECK_SECONDS})`,
      );
    }
    await this.maintain();
    this.timer = setInterval(() => {
      this.maintain().catch((err: unknown) =>
        this.logger.pino.warn(
          { error: (err as Error).message },
          'signing key check failed; retrying at the next interval',
        ),
      );
    }, this.config.SIGNING_KEY_CHECK_SECONDS * 1000);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Runs after the published key set changes: a rotation by this instance, or a key retired. */
  onRotate(listener: () => void | Promise<void>): void {
    this.rotateListeners.push(listener);
  }

  private notifyRotated(): void {
    for (const listener of this.rotateListeners) {
      void Promise.resolve()
        .then(listener)
        .catch((err: unknown) =>
          this.logger.pino.warn({ error: (err as Error).message }, 'a signing-key rotation listener failed'),
        );
    }
  }

  /** The key new tokens carry (for tests and the rotation answer). */
  get activeKid(): string | null {
    return this.active?.kid ?? null;
  }

  /** Retires superseded keys, rotates when due, and adopts the newest key (whoever created it). */
  maintain(): Promise<void> {
    this.maintaining ??= (async () => {
      try {
        const grace = this.config.ACCESS_TOKEN_TTL_SECONDS + this.config.SIGNING_KEY_GRACE_SECONDS;
        const retired = await this.keys.retireSuperseded(this.data.reader(), grace);
        if (retired.length) this.notifyRotated();
        const newest = await this.keys.newest(this.data.reader());
        const dueMs = this.config.SIGNING_KEY_ROTATE_AFTER_HOURS * 3600_000;
        if (!newest || Date.now() - new Date(newest.created_at).getTime() >= dueMs) {
          await this.rotate((tx, kid) =>
            this.audit
              .record(tx, {
                action: 'create',
                resource: { type: 'signing_key', id: kid },
                reason: newest ? 'rotated_on_schedule' : 'first_key',
                tenantId: null,
                actorType: 'scheduled_job',
                actorId: 'identity',
              })
              .then(() => undefined),
          );
        } else if (newest.kid !== this.active?.kid) this.active = this.unseal(newest.kid, newest.private_enc);
      } finally {
        this.maintaining = null;
      }
    })();
    return this.maintaining;
  }

  /**
   * Creates a new signing key that signs from now on; the previous one stays published until it is
   * retired. `also` runs in the same transaction as the insert (the audit record of an on-demand
   * rotation). Other instances adopt the new key at their next check.
   */
  async rotate(also?: (tx: Em, kid: string) => Promise<void>): Promise<ActiveKey> {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const kid = randomUUID();
    const publicJwk = { ...createPublicKey(privateKey).export({ format: 'jwk' }), kid, alg: 'ES256', use: 'sig' };
    const sealed = seal(
      this.masterKey,
      privateKey.export({ format: 'der', type: 'pkcs8' }),
      Buffer.from(`signing-key:${kid}`),
    );
    await this.data.transaction(async (tx) => {
      await this.keys.insert(tx, kid, sealed, publicJwk);
      await also?.(tx, kid);
    });
    this.active = { kid, privateKey };
    this.notifyRotated();
    return this.active;
  }

  private unseal(kid: string, sealed: Buffer): ActiveKey {
    const der = open(this.masterKey, sealed, Buffer.from(`signing-key:${kid}`));
    return { kid, privateKey: createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }) };
  }

  /** Every key not yet retired, newest first. */
  async jwks(): Promise<{ keys: JsonWebKey[] }> {
    return { keys: await this.keys.published(this.data.reader()) };
  }

  /** `ttlSeconds` shortens the lifetime (API-key tokens); never longer than ACCESS_TOKEN_TTL_SECONDS. */
  async sign(claims: AccessClaims, ttlSeconds?: number): Promise<{ token: string; expiresIn: number }> {
    if (!this.active) throw new Error('token signer not initialised');
    const expiresIn = Math.min(
      ttlSeconds ?? this.config.ACCESS_TOKEN_TTL_SECONDS,
      this.config.ACCESS_TOKEN_TTL_SECONDS,
    );
    const token = await new SignJWT({
      ...(claims.tid ? { tid: claims.tid } : {}),
      roles: claims.roles,
      sid: claims.sid,
      ...(claims.act ? { act: claims.act, scp: claims.scp ?? [] } : {}),
    })
      .setProtectedHeader({ alg: 'ES256', kid: this.active.kid, typ: 'JWT' })
      .setSubject(claims.sub)
      .setIssuer(this.config.JWT_ISSUER)
      .setAudience(this.config.JWT_AUDIENCE)
      .setIssuedAt()
      .setNotBefore('0s')
      .setExpirationTime(`${expiresIn}s`)
      .setJti(randomUUID())
      .sign(this.active.privateKey);
    return { token, expiresIn };
  }
}

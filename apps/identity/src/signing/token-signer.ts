import { createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID, type JsonWebKey, type KeyObject } from 'node:crypto';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { SignJWT } from 'jose';
import { open, seal } from '@lekha/crypto';
import { Database } from '@lekha/persistence';
import { MASTER_KEY } from '@lekha/runtime';
import type { AccessClaims } from '@lekha/contracts';
import { IDENTITY_CONFIG, type IdentityConfig } from '../config/identity.config.js';

interface ActiveKey {
  kid: string;
  privateKey: KeyObject;
}

/**
 * Signs access tokens with ES256. Private keys are stored sealed under the master key; every
 * public key not yet retired is published in the JWKS, so rotation logs nobody out.
 */
@Injectable()
export class TokenSigner implements OnModuleInit {
  private active: ActiveKey | null = null;

  constructor(
    private readonly db: Database,
    @Inject(MASTER_KEY) private readonly masterKey: Buffer,
    @Inject(IDENTITY_CONFIG) private readonly config: IdentityConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    const rows = await this.db.em().execute<{ kid: string; private_enc: Buffer }[]>(
      `select kid, private_enc from identity.signing_keys where retired_at is null order by created_at desc limit 1`,
    );
    this.active = rows[0] ? this.unseal(rows[0].kid, rows[0].private_enc) : await this.rotate();
  }

  /** Creates a new signing key; the previous one stays published until it is retired. */
  async rotate(): Promise<ActiveKey> {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const kid = randomUUID();
    const publicJwk = { ...createPublicKey(privateKey).export({ format: 'jwk' }), kid, alg: 'ES256', use: 'sig' };
    const sealed = seal(this.masterKey, privateKey.export({ format: 'der', type: 'pkcs8' }), Buffer.from(`signing-key:${kid}`));
    await this.db.em().execute(`insert into identity.signing_keys (kid, private_enc, public_jwk) values (?, ?, ?::jsonb)`, [kid, sealed, JSON.stringify(publicJwk)]);
    this.active = { kid, privateKey };
    return this.active;
  }

  private unseal(kid: string, sealed: Buffer): ActiveKey {
    const der = open(this.masterKey, sealed, Buffer.from(`signing-key:${kid}`));
    return { kid, privateKey: createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }) };
  }

  async jwks(): Promise<{ keys: JsonWebKey[] }> {
    const rows = await this.db.em().execute<{ public_jwk: JsonWebKey }[]>(
      `select public_jwk from identity.signing_keys where retired_at is null or retired_at > now() - interval '1 day' order by created_at desc`,
    );
    return { keys: rows.map((r) => (typeof r.public_jwk === 'string' ? JSON.parse(r.public_jwk) : r.public_jwk)) };
  }

  async sign(claims: AccessClaims): Promise<{ token: string; expiresIn: number }> {
    if (!this.active) throw new Error('token signer not initialised');
    const expiresIn = this.config.ACCESS_TOKEN_TTL_SECONDS;
    const token = await new SignJWT({ tid: claims.tid, roles: claims.roles, sid: claims.sid })
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

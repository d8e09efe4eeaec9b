import type { JsonWebKey } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { Em } from '@lekha/persistence';

export interface SigningKeyRow {
  kid: string;
  /** The private key, sealed under the master key. */
  private_enc: Buffer;
  created_at: Date;
}

/** Access-token signing keys: the private half sealed, the public half as published in the JWKS. */
@Injectable()
export class SigningKeyRepository {
  /** Retires every key superseded by one at least `graceSeconds` old; returns their IDs. */
  async retireSuperseded(em: Em, graceSeconds: number): Promise<string[]> {
    const rows = await em.execute<{ kid: string }[]>(
      `update identity.signing_keys k set retired_at = now()
       where k.retired_at is null and exists (
         select 1 from identity.signing_keys n
         where n.created_at > k.created_at and n.created_at <= now() - make_interval(secs => ?))
       returning k.kid`,
      [graceSeconds],
    );
    return rows.map((r) => r.kid);
  }

  /** The newest key not retired. */
  async newest(em: Em): Promise<SigningKeyRow | null> {
    const rows = await em.execute<SigningKeyRow[]>(
      `select kid, private_enc, created_at from identity.signing_keys
       where retired_at is null order by created_at desc, kid desc limit 1`,
    );
    return rows[0] ?? null;
  }

  /** Stores a new key; clock_timestamp(): a key created later always sorts later, even inside one transaction. */
  async insert(tx: Em, kid: string, privateEnc: Buffer, publicJwk: JsonWebKey): Promise<void> {
    await tx.execute(
      `insert into identity.signing_keys (kid, private_enc, public_jwk, created_at)
       values (?, ?, ?::jsonb, clock_timestamp())`,
      [kid, privateEnc, JSON.stringify(publicJwk)],
    );
  }

  /** The public halves of every key not retired, newest first. */
  async published(em: Em): Promise<JsonWebKey[]> {
    const rows = await em.execute<{ public_jwk: JsonWebKey | string }[]>(
      `select public_jwk from identity.signing_keys where retired_at is null order by created_at desc`,
    );
    return rows.map((r) =>
      typeof r.public_jwk === 'string' ? (JSON.parse(r.public_jwk) as JsonWebKey) : r.public_jwk,
    );
  }
}

import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { generateNetworkKeyPair, openNetwork, type SealedNetwork } from '@lekha/audit';
import type { AuditNetworkView } from '@lekha/contracts';
import { Database, type Em } from '@lekha/persistence';

export const AUDIT_NETWORK_WRAP_KEY = Symbol('AUDIT_NETWORK_WRAP_KEY');

/** The key that wraps the audit network private keys, derived from (never equal to) the master key. */
export function networkWrapKey(masterKey: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'lekha.compliance.audit-network-wrap/1', 32));
}

/** The scope of a tenant's key, or of events without a tenant. */
export const scopeOf = (tenantId: string | null | undefined): string => tenantId ?? 'platform';

const PRIVATE_TTL_MS = 60_000;

/**
 * Compliance's X25519 key per tenant, which producers seal actors' IPs and user agents to. Private
 * keys are stored only wrapped under the master key; destroying one (tenant erasure) leaves every
 * value sealed to it unreadable, on the topic, in the index and in every backup.
 */
@Injectable()
export class AuditNetworkKeys {
  private readonly publicKeys = new Map<string, { kid: string; publicKey: Buffer } | null>();
  private readonly privateKeys = new Map<string, { key: Buffer | null; at: number }>();

  constructor(
    private readonly db: Database,
    @Inject(AUDIT_NETWORK_WRAP_KEY) private readonly wrapKey: Buffer,
  ) {}

  /** The scope's public key, created on first use; null once the scope's key was destroyed. */
  async publicKeyFor(scope: string): Promise<{ kid: string; publicKey: Buffer } | null> {
    const cached = this.publicKeys.get(scope);
    if (cached !== undefined) return cached;
    let row = await this.find(scope);
    if (!row) {
      const pair = generateNetworkKeyPair();
      await this.db
        .em()
        .execute(
          `insert into compliance.audit_network_keys (scope, kid, public_key, wrapped_private_key) values (?, ` +
            `?, decode(?, 'hex'), decode(?, 'hex')) on conflict (scope) do nothing`,
          [
            scope,
            pair.kid,
            pair.publicKey.toString('hex'),
            this.wrap(scope, pair.kid, pair.privateKey).toString('hex'),
          ],
        );
      row = await this.find(scope);
    }
    const value = row && !row.destroyed ? { kid: row.kid, publicKey: row.publicKey } : null;
    if (this.publicKeys.size > 10_000) this.publicKeys.clear();
    this.publicKeys.set(scope, value);
    return value;
  }

  /** Erasure: the wrapped private key is deleted for good. Runs inside the caller's transaction. */
  async destroy(tx: Em, scope: string): Promise<boolean> {
    const rows = await tx.execute<{ kid: string }[]>(
      `update compliance.audit_network_keys set wrapped_private_key = null, destroyed_at = now() where scope ` +
        `= ? and wrapped_private_key is not null returning kid`,
      [scope],
    );
    if (rows.length === 0) {
      // Already destroyed, or never had a key: record the erasure so none is created later.
      const pair = generateNetworkKeyPair();
      await tx.execute(
        `insert into compliance.audit_network_keys (scope, kid, public_key, destroyed_at) values (?, ?, ` +
          `decode(?, 'hex'), now()) on conflict (scope) do nothing`,
        [scope, pair.kid, pair.publicKey.toString('hex')],
      );
    }
    this.publicKeys.set(scope, null);
    for (const r of rows) this.privateKeys.set(r.kid, { key: null, at: Date.now() });
    return rows.length > 0;
  }

  /** Opens sealed network details; `erased` when the key that sealed them no longer exists. */
  async open(box: SealedNetwork): Promise<AuditNetworkView> {
    const key = await this.privateKey(box.kid);
    const opened = key ? openNetwork(key, box) : null;
    return opened ?? { erased: true };
  }

  private async privateKey(kid: string): Promise<Buffer | null> {
    const cached = this.privateKeys.get(kid);
    if (cached && Date.now() - cached.at < PRIVATE_TTL_MS) return cached.key;
    const rows = await this.db
      .em()
      .execute<{ scope: string; wrapped: string | null }[]>(
        `select scope, encode(wrapped_private_key, 'hex') as wrapped from compliance.audit_network_keys where kid = ?`,
        [kid],
      );
    const r = rows[0];
    const key = r?.wrapped ? this.unwrap(r.scope, kid, Buffer.from(r.wrapped, 'hex')) : null;
    if (this.privateKeys.size > 10_000) this.privateKeys.clear();
    this.privateKeys.set(kid, { key, at: Date.now() });
    return key;
  }

  private async find(scope: string): Promise<{ kid: string; publicKey: Buffer; destroyed: boolean } | null> {
    const rows = await this.db
      .em()
      .execute<{ kid: string; public_key: string; destroyed: boolean }[]>(
        `select kid, encode(public_key, 'hex') as public_key, (wrapped_private_key is null) as destroyed from ` +
          `compliance.audit_network_keys where scope = ?`,
        [scope],
      );
    const r = rows[0];
    return r ? { kid: r.kid, publicKey: Buffer.from(r.public_key, 'hex'), destroyed: r.destroyed } : null;
  }

  private wrap(scope: string, kid: string, privateKey: Buffer): Buffer {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.wrapKey, iv);
    cipher.setAAD(Buffer.from(`${scope}\0${kid}`));
    const body = Buffer.concat([cipher.update(privateKey), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]);
  }

  private unwrap(scope: string, kid: string, wrapped: Buffer): Buffer | null {
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.wrapKey, wrapped.subarray(0, 12));
      decipher.setAAD(Buffer.from(`${scope}\0${kid}`));
      decipher.setAuthTag(wrapped.subarray(12, 28));
      return Buffer.concat([decipher.update(wrapped.subarray(28)), decipher.final()]);
    } catch {
      return null;
    }
  }
}

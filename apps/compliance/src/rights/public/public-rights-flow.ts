import { Injectable } from '@nestjs/common';
import { TenantAccess, type TenantScope } from '@lekha/access';
import {
  DomainError,
  FeatureError,
  PrivacyError,
  uuidv7,
  type NoticeLanguage,
  type PublicVerificationPurpose,
  type RightsCorrections,
  type VerificationPending,
} from '@lekha/contracts';
import { AppLogger, type OperationScope } from '@lekha/runtime';
import { principalIndex } from '../../consent/consent-view.js';
import { RightsClock } from '../rights-clock.js';
import { PrincipalDirectory } from './principal-directory.js';
import { PublicVerificationRepository, type VerificationRow } from './public-verification.repository.js';
import { VerificationCodes } from './verification-codes.js';

/** How long a code lasts, and the limits of the public route (per tenant). */
export const PUBLIC_LIMITS = {
  codeTtlMs: 10 * 60_000,
  /** Wrong codes a verification takes before it answers 429 until it expires. */
  maxAttempts: 5,
  windowMs: 60 * 60_000,
  /** Codes asked for one address in the window. */
  perAddress: 5,
  /** Codes asked from one IP in the window. */
  perIp: 20,
  /** Wrong read tokens (status, document, certificate) from one IP in the window. */
  perIpReadMisses: 20,
} as const;

/** What a principal asked on the public route, kept encrypted with the verification until it is verified. */
export interface PublicAsk {
  address: { phone?: string; email?: string };
  kind?: string;
  details?: string;
  purpose?: string;
  /** A consent given: the notice shown on the form. */
  notice?: { version: string; language: NoticeLanguage };
  corrections?: RightsCorrections;
}

/** What was asked cannot be verified at all (e.g. a purpose the tenant does not have): refused before any code. */
export interface PublicAskRefusal {
  reason: string;
  error: DomainError;
}

const GENERIC = 'the code is wrong or has expired, or this address cannot be verified';
const failed = () => new FeatureError(PrivacyError.VerificationFailed, GENERIC);
const limited = (seconds: number, what: string) =>
  new FeatureError(PrivacyError.TooManyVerifications, `too many ${what}; try again later`, {
    retryAfterSeconds: Math.max(1, Math.ceil(seconds)),
  });

/** The scope of a public call inside the tenant it names (a public caller carries none). */
export function inTenant<S extends OperationScope>(scope: S, tenantId: string): S {
  return { ...scope, ctx: { ...scope.ctx, tenantId } };
}

/**
 * The public route's verification, shared by rights requests and consent withdrawals. `open` answers the
 * same (body, status, statements) whether or not the address is on record: the tenant's status, the limits
 * and the insert run for every address; whether it is known is looked up after the answer, and only then
 * is a code made and sent, to that address only. `check` takes a code: wrong, expired, used or unknown
 * all answer the same 401, each counted; past the attempts a 429 until the verification expires.
 * Every refusal is audited (reasons `rate_limited`, `wrong_code`, …; never the address).
 */
@Injectable()
export class PublicRightsFlow {
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly access: TenantAccess,
    private readonly verifications: PublicVerificationRepository,
    private readonly directory: PrincipalDirectory,
    private readonly codes: VerificationCodes,
    private readonly clock: RightsClock,
    private readonly logger: AppLogger,
  ) {}

  async open(
    scope: OperationScope,
    tenantId: string,
    purpose: PublicVerificationPurpose,
    ask: PublicAsk,
    known: (data: TenantScope) => Promise<{ customerId: string | null } | null>,
    precheck?: (data: TenantScope) => Promise<PublicAskRefusal | null>,
  ): Promise<VerificationPending> {
    const scoped = inTenant(scope, tenantId);
    await this.activeTenant(scope, tenantId);
    const address = (ask.address.phone ?? ask.address.email)!;
    const now = this.clock.now();
    const id = uuidv7();
    const expiresAt = new Date(now.getTime() + PUBLIC_LIMITS.codeTtlMs);
    const ipHash = this.codes.ipHash(scope.ctx.ip);
    const outcome = await this.access.run(scoped, async (data) => {
      const refusal = precheck ? await precheck(data) : null;
      if (refusal) {
        await data.record({ outcome: 'denied', reason: refusal.reason });
        return { refusal: refusal.error };
      }
      const addressIdx = principalIndex(data.cipher, address);
      const since = new Date(now.getTime() - PUBLIC_LIMITS.windowMs);
      const byAddress = await this.verifications.since(data, { addressIdx }, since);
      const byIp = ipHash ? await this.verifications.since(data, { ipHash }, since) : { count: 0, oldest: null };
      const over = [
        byAddress.count >= PUBLIC_LIMITS.perAddress ? byAddress.oldest : null,
        byIp.count >= PUBLIC_LIMITS.perIp ? byIp.oldest : null,
      ].filter((d): d is Date => d !== null);
      if (over.length) {
        await data.record({ outcome: 'denied', reason: 'rate_limited' });
        const until = Math.max(...over.map((d) => d.getTime() + PUBLIC_LIMITS.windowMs));
        return { retryAfterSeconds: (until - now.getTime()) / 1000 };
      }
      await this.verifications.insert(data, {
        id,
        purpose,
        addressIdx,
        ipHash,
        requestEnc: data.cipher.encrypt('rights.verification', JSON.stringify(ask))!,
        createdAt: now,
        expiresAt,
      });
      await data.record({ resource: { id }, reason: `public_${purpose}` });
      return null;
    });
    if (outcome && 'refusal' in outcome) throw outcome.refusal;
    if (outcome) throw limited(outcome.retryAfterSeconds, 'requests');
    this.later(() => this.sendCode(tenantId, id, address, purpose, known));
    return { verificationId: id, status: 'verification_pending', expiresAt: expiresAt.toISOString() };
  }

  /** After the answer: a code for an address on record, nothing (but an audit record) for another. */
  private async sendCode(
    tenantId: string,
    id: string,
    address: string,
    purpose: PublicVerificationPurpose,
    known: (data: TenantScope) => Promise<{ customerId: string | null } | null>,
  ): Promise<void> {
    const code = this.codes.newCode();
    const bound = await this.access.runAsService(tenantId, 'compliance', async (data) => {
      const principal = await known(data);
      if (!principal) {
        await data.record({
          action: 'create',
          resource: { type: 'rights_verification', id },
          outcome: 'denied',
          reason: 'address_not_on_record',
        });
        return false;
      }
      await this.verifications.bind(data, id, principal.customerId, this.codes.hash(id, code));
      await data.record({
        action: 'create',
        resource: { type: 'rights_verification', id },
        subjectIds: principal.customerId ? [principal.customerId] : [],
        reason: 'code_sent',
      });
      return true;
    });
    if (!bound) return;
    const what = {
      rights_request: 'privacy request',
      consent_withdrawal: 'consent withdrawal',
      consent_given: 'consent',
    }[purpose];
    await this.codes.send(
      tenantId,
      address,
      `${code} is your code to confirm your ${what}. It expires in 10 minutes. Do not share it with anyone.`,
    );
  }

  /** Checks a code; answers what was asked, or throws the one generic refusal (or 429 past the attempts). */
  async check(
    scope: OperationScope,
    tenantId: string,
    purpose: PublicVerificationPurpose,
    verificationId: string,
    code: string,
  ): Promise<{ row: VerificationRow; ask: PublicAsk }> {
    await this.activeTenant(scope, tenantId);
    const now = this.clock.now();
    const result = await this.access.run(inTenant(scope, tenantId), async (data) => {
      const row = await this.verifications.find(data, verificationId, true);
      const deny = async (reason: string) => {
        await data.record({ resource: { id: verificationId }, outcome: 'denied', reason });
        return { error: reason === 'too_many_attempts' ? 'limited' : 'failed', row } as const;
      };
      if (!row || row.purpose !== purpose) return deny('not_found');
      if (row.attempts >= PUBLIC_LIMITS.maxAttempts) return deny('too_many_attempts');
      const good = this.codes.matches(row.code_hash, row.id, code);
      const reason =
        row.verified_at !== null ? 'code_used' : row.expires_at <= now ? 'code_expired' : good ? null : 'wrong_code';
      if (reason) {
        await this.verifications.countAttempt(data, row.id);
        return deny(reason);
      }
      if (!(await this.verifications.consume(data, row.id, now))) return deny('code_used');
      await data.record({
        resource: { id: row.id },
        subjectIds: row.customer_id ? [row.customer_id] : [],
        reason: 'verified',
      });
      return { row, ask: JSON.parse(data.cipher.decrypt('rights.verification', row.request_enc)!) as PublicAsk };
    });
    if ('error' in result) {
      if (result.error === 'limited')
        throw limited((result.row!.expires_at.getTime() - now.getTime()) / 1000, 'wrong codes');
      throw failed();
    }
    return result;
  }

  /** A 404 (audited) unless the tenant exists and is active; no keys are made for a tenant that is not. */
  private async activeTenant(scope: OperationScope, tenantId: string): Promise<void> {
    if (await this.directory.tenantActive(tenantId)) return;
    await this.access.refuse(
      scope,
      { reason: 'tenant_not_found' },
      new FeatureError(PrivacyError.TenantNotFound, 'no such business'),
    );
  }

  /** Work after the answer; a failure is logged (IDs only), the principal may ask again. */
  private later(work: () => Promise<void>): void {
    const p = work()
      .catch((err: unknown) =>
        this.logger.pino.warn({ error: (err as Error).message }, 'public verification code not sent'),
      )
      .finally(() => this.pending.delete(p));
    this.pending.add(p);
  }

  /** Resolves once the work after every answer so far is done (tests). */
  async settled(): Promise<void> {
    while (this.pending.size) await Promise.all([...this.pending]);
  }
}

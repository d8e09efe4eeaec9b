import { Inject, Injectable } from '@nestjs/common';
import type { TenantScope } from '@lekha/access';
import { AuditOutbox } from '@lekha/audit';
import {
  DELETION_CERTIFICATE_FORMAT,
  ErasingServices,
  RIGHTS_SERVICES,
  deletionCertificateKey,
  signDeletionCertificate,
  uuidv7,
  type DeletionCertificate,
  type RightsErasure,
  type RightsErasureState,
  type RightsPart,
  type RightsPartAnsweredEvent,
  type RightsRetained,
  type RightsService,
} from '@lekha/contracts';
import { Database, setRlsTenant } from '@lekha/persistence';
import { RetentionRepository } from '../../retention/retention.repository.js';
import { openPartAtRest, sealPartAtRest } from '../rights-view.js';
import { RightsRepository, type RightsRequestRow } from '../rights.repository.js';
import { ErasureRepository } from './erasure.repository.js';

/**
 * An erasure whose check finds a residue is ordered again from the services holding it, up to `retries`
 * times, the first after `backoffMs` and each further one after twice the wait before it.
 */
export class ErasureRetryOptions {
  constructor(
    readonly retries: number,
    readonly backoffMs: number,
  ) {}
}

/** The deletion certificates' signing seed (the same key as tenant purges': `certificateSeed`). */
export const ERASURE_CERTIFICATE_SEED = Symbol('ERASURE_CERTIFICATE_SEED');

const iso = (v: Date | string) => new Date(v).toISOString();
const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/**
 * An erasure request, end to end (issue 12). Filed, it is refused when a legal hold stands on the
 * principal; otherwise each service is asked for its part of kind `erasure` (it erases by its own path and
 * says what it erased and what a legal minimum keeps). Once all have answered, an access request runs
 * again under the same request ID (parts of kind `access`). When every service has answered that check,
 * anything personal it found that is not on a service's retained list is the residue: recorded, and the
 * erasure is ordered again from the services that hold it (after a back-off, a bounded number of times)
 * and checked again there; past the last retry the request stays in progress (phase `residue`) with no
 * certificate. An empty check completes the request and signs its
 * deletion certificate in that same transaction.
 */
@Injectable()
export class ErasureWorkflow {
  private readonly key: ReturnType<typeof deletionCertificateKey>;

  constructor(
    private readonly db: Database,
    private readonly erasures: ErasureRepository,
    private readonly requests: RightsRepository,
    private readonly holds: RetentionRepository,
    private readonly audit: AuditOutbox,
    @Inject(ERASURE_CERTIFICATE_SEED) seed: Buffer,
    private readonly retryOptions: ErasureRetryOptions,
  ) {
    this.key = deletionCertificateKey(seed);
  }

  /** The legal holds standing on the principal: any one refuses the erasure. */
  holdsOn(tenantId: string, customerId: string): Promise<string[]> {
    return this.holds.holdsOnCustomer(this.db.em(), tenantId, customerId);
  }

  /** A new erasure request (in its filing's transaction): its state row, and a part per service to erase. */
  async start(data: TenantScope, request: { id: string; customerId: string }, at: Date): Promise<void> {
    await this.erasures.start(data, request.id, at);
    await this.requests.addParts(data, { ...request, kind: 'erasure' }, RIGHTS_SERVICES, at);
  }

  /**
   * A service answered an erasure request (its erasure, or the access check after it). Answers true when
   * the check's parts were queued (the relay should ask at once).
   */
  async answered(
    data: TenantScope,
    request: RightsRequestRow,
    event: RightsPartAnsweredEvent,
    part: RightsPart,
    at: Date,
  ): Promise<boolean> {
    const kind = event.kind ?? 'erasure';
    if (kind !== 'erasure' && kind !== 'access') return false;
    const state = await this.erasures.find(data, request.id);
    if (!state) return false;
    // A retried service's new answer adds to what it erased the first time (the certificate lists both).
    const prior =
      kind === 'erasure' && state.retries > 0
        ? (await this.erasures.parts(data, request.id, 'erasure')).find(
            (p) => p.service === event.service && p.answered_at === null && p.part_enc,
          )
        : undefined;
    const stored = prior ? mergeErasures(openPartAtRest(data.cipher, prior.part_enc!), part) : part;
    if (!(await this.erasures.answer(data, request.id, event.service, kind, sealPartAtRest(data.cipher, stored), at)))
      return false;
    if ((await this.erasures.waiting(data, request.id, kind)) > 0) return false;
    const subject = { resource: { type: 'rights_request', id: request.id }, subjectIds: [request.customer_id] };
    if (kind === 'erasure') {
      if (state.phase !== 'erasing') return false;
      await this.requests.addParts(
        data,
        { id: request.id, kind: 'access', customerId: request.customer_id },
        RIGHTS_SERVICES,
        at,
      );
      await this.erasures.openChecks(data, request.id, at);
      await this.erasures.setPhase(data, request.id, { phase: 'checking' }, at);
      await data.record({ ...subject, action: 'update', reason: 'erasure_check_started' });
      return true;
    }
    if (state.phase !== 'checking') return false;
    const erased = (await this.erasures.parts(data, request.id, 'erasure')).map((p) => ({
      service: p.service,
      answeredAt: iso(p.answered_at!),
      erasure: openPartAtRest(data.cipher, p.part_enc!).erasure ?? { erased: [], retained: [] },
    }));
    const checks = (await this.erasures.parts(data, request.id, 'access')).map((p) =>
      openPartAtRest(data.cipher, p.part_enc!),
    );
    const retained = erased.flatMap((e) => e.erasure.retained.map((r) => ({ service: e.service, ...r })));
    const residue = residueOf(checks, retained);
    if (residue.length && state.retries < this.retryOptions.retries) {
      // Ordered again from the services holding the residue, after a back-off; the residue stays visible.
      const services = [...new Set(residue.map((r) => r.service))];
      const wait = this.retryOptions.backoffMs * 2 ** state.retries;
      await this.erasures.setPhase(data, request.id, { phase: 'erasing', residue, retained }, at);
      await this.erasures.retry(data, request.id, services, at, wait);
      await data.record({
        ...subject,
        action: 'update',
        reason: `erasure_residue_retry_${state.retries + 1}_of_${this.retryOptions.retries}`,
      });
      return true;
    }
    if (residue.length) {
      await this.erasures.setPhase(data, request.id, { phase: 'residue', residue, retained }, at);
      await data.record({
        ...subject,
        action: 'update',
        reason: state.retries ? `erasure_residue_after_${state.retries}_retries` : 'erasure_residue',
      });
      return false;
    }
    const certificate = this.certificate(data.tenantId, request, erased, at);
    await this.erasures.setPhase(data, request.id, { phase: 'completed', residue: [], retained, certificate }, at);
    await this.requests.setStatus(data, request.id, { status: 'completed', completedAt: at });
    await data.record(
      { ...subject, action: 'update', reason: 'status_completed' },
      {
        action: 'create',
        resource: { type: 'deletion_certificate', id: certificate.id },
        subjectIds: [request.customer_id],
        reason: 'principal_erasure_complete',
      },
    );
    return false;
  }

  /**
   * Compliance's own part of an erasure, as the service's own login in one transaction with its audit
   * record: consent records keep a non-personal proof, the principal's words in their requests and the
   * documents of their earlier access requests go. What stays, and why, is listed as retained.
   */
  async eraseOwn(
    tenantId: string,
    customerId: string,
    requestId: string,
    breachNotices: number,
  ): Promise<RightsErasure> {
    const at = new Date();
    const n = await this.db.em().transactional(async (tx) => {
      await setRlsTenant(tx, tenantId);
      const changed = await this.erasures.erasePrincipal(tx, tenantId, customerId, requestId, at);
      await this.audit.record(tx, {
        action: 'delete',
        resource: { type: 'consent', id: null },
        tenantId,
        actorType: 'service',
        actorId: 'compliance',
        subjectIds: [customerId],
        reason:
          `principal_erasure:${changed.consents}:${changed.requests}:${changed.documents}` +
          `:acts_${changed.erasureActs}:superseded_${changed.superseded}`,
        fields: [{ name: 'consent.address', category: 'user.consent' }],
      });
      return changed;
    });
    const retained: RightsRetained[] = [
      {
        what: 'rights request',
        category: 'user.notes',
        until: null,
        reason:
          'the record that the principal’s requests were received and answered (DPDP Act accountability): ' +
          'kinds, statuses and times only; what the principal wrote is erased',
      },
    ];
    if (n.consents)
      retained.push({
        what: 'proof of consent',
        category: 'user.consent',
        until: null,
        reason:
          'the Data Fiduciary must be able to prove a consent was given (DPDP Act s.6(10)): purpose, notice ' +
          'version, channel and times only; address, evidence reference and customer link erased',
      });
    if (breachNotices)
      retained.push({
        what: 'breach notice',
        category: 'user.activity',
        until: null,
        reason: 'proof the principal was told of a personal data breach (DPDP Rules, rule 7): IDs and times only',
      });
    retained.push({
      what: 'processing activity',
      category: 'user.activity',
      until: null,
      reason: 'the audit trail of processing the law requires: IDs, actions and times only, nothing personal in clear',
    });
    return {
      erased: [
        { what: 'consent record (address, evidence reference)', category: 'user.consent', count: n.consents },
        { what: 'what the principal wrote in a rights request', category: 'user.notes', count: n.requests },
        { what: 'access or export document', category: 'user.notes', count: n.documents },
      ],
      retained,
    };
  }

  private certificate(
    tenantId: string,
    request: RightsRequestRow,
    erased: { service: RightsService; answeredAt: string; erasure: RightsErasure }[],
    at: Date,
  ): DeletionCertificate {
    const by = new Map(erased.map((e) => [e.service, e]));
    return signDeletionCertificate(
      {
        format: DELETION_CERTIFICATE_FORMAT,
        id: uuidv7(),
        subject: { kind: 'principal', tenantId, customerId: request.customer_id },
        basis: 'principal_request',
        services: ErasingServices.map((service) => ({
          service,
          confirmedAt: by.get(service)!.answeredAt,
          erased: by
            .get(service)!
            .erasure.erased.filter((e) => e.count > 0)
            .slice(0, 50)
            .map((e) => cut(`${e.category}: ${e.what} (${e.count})`, 80)),
        })),
        retained: erased
          .flatMap((e) =>
            e.erasure.retained.map((r) => ({
              category: cut(`${r.category} (${e.service}: ${r.what})`, 80),
              until: r.until,
              reason: cut(r.reason, 300),
            })),
          )
          .slice(0, 50),
        requestedAt: iso(request.received_at),
        completedAt: at.toISOString(),
        issuedAt: at.toISOString(),
      },
      this.key,
    );
  }
}

/** A service's erasure answered again: what it erased both times (counts added), what it retains (once each). */
export function mergeErasures(first: RightsPart, again: RightsPart): RightsPart {
  const a = first.erasure ?? { erased: [], retained: [] };
  const b = again.erasure ?? { erased: [], retained: [] };
  const erased = new Map<string, (typeof a.erased)[number]>();
  for (const e of [...a.erased, ...b.erased]) {
    const key = `${e.category}\u0000${e.what}`;
    const had = erased.get(key);
    erased.set(key, had ? { ...had, count: had.count + e.count } : e);
  }
  const retained = [...a.retained];
  for (const r of b.retained)
    if (!retained.some((x) => x.what === r.what && x.category === r.category)) retained.push(r);
  return { ...again, erasure: { erased: [...erased.values()], retained } };
}

/** What the check still found: any holding with items that no service listed as retained. */
export function residueOf(
  checks: RightsPart[],
  retained: RightsErasureState['retained'],
): RightsErasureState['residue'] {
  return checks.flatMap((part) =>
    part.holdings
      .filter((h) => h.count > 0 && !retained.some((r) => r.service === part.service && r.what === h.what))
      .map((h) => ({ service: part.service, what: h.what, category: h.category, count: h.count })),
  );
}

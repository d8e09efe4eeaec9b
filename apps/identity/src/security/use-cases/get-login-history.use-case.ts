import { Injectable } from '@nestjs/common';
import { AuditOutbox } from '@lekha/audit';
import { DomainError, type LoginEventView, type LoginHistoryQuery, type Page } from '@lekha/contracts';
import { FieldCipher, TenantKeyring } from '@lekha/crypto';
import { contextHasPermission, type RequestContext } from '@lekha/tenancy';
import { IdentityData } from '../../data/identity-data.js';
import { LoginHistoryRepository } from '../login-history.repository.js';

/** The tenant's login history for its owner and admins (checked here again after the gateway). */
@Injectable()
export class GetLoginHistoryUseCase {
  constructor(
    private readonly data: IdentityData,
    private readonly audit: AuditOutbox,
    private readonly keyring: TenantKeyring,
    private readonly history: LoginHistoryRepository,
  ) {}

  async execute(ctx: RequestContext, q: LoginHistoryQuery): Promise<Page<LoginEventView>> {
    if (!ctx.actorId || !ctx.tenantId) throw new DomainError('UNAUTHENTICATED', 'sign in first');
    const tenantId = ctx.tenantId;
    const allowed = contextHasPermission(ctx, 'security:read');
    const cipher = new FieldCipher(await this.keyring.keysFor(tenantId));
    const rows = await this.data.transaction(async (tx) => {
      const found = allowed ? await this.history.page(tx, tenantId, q) : [];
      const subjects = [...new Set(found.slice(0, q.limit).flatMap((r) => (r.user_id ? [r.user_id] : [])))];
      await this.audit.record(tx, {
        action: 'list',
        resource: { type: 'login_history', id: null },
        subjectIds: subjects,
        outcome: allowed ? 'allowed' : 'denied',
        ...(allowed ? {} : { reason: 'forbidden' }),
        fields: [
          { name: 'ip', category: 'user.network.ip' },
          { name: 'device', category: 'user.device' },
        ],
      });
      return found;
    });
    if (!allowed) throw new DomainError('FORBIDDEN', 'your role does not allow this');
    const page = rows.slice(0, q.limit);
    return {
      items: page.map((r) => LoginHistoryRepository.view(r, cipher)),
      nextCursor: rows.length > q.limit ? page[page.length - 1]!.id : null,
    };
  }
}

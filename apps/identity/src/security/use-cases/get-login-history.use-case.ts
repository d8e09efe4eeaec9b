import { AuditOutbox } from '@lekha/audit';
import { DomainError, SessionOps, type LoginHistoryQuery, type OpResponse } from '@lekha/contracts';
import { FieldCipher, TenantKeyring } from '@lekha/crypto';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { IdentityData } from '../../data/identity-data.js';
import { LoginHistoryRepository } from '../login-history.repository.js';

type Op = typeof SessionOps.loginHistory;

/** The tenant's login history, for those who may read it (`security:read`: owner and admins; checked by the runner). */
@Handles(SessionOps.loginHistory)
export class GetLoginHistoryUseCase implements UseCase<Op> {
  constructor(
    private readonly data: IdentityData,
    private readonly audit: AuditOutbox,
    private readonly keyring: TenantKeyring,
    private readonly history: LoginHistoryRepository,
  ) {}

  async execute({ ctx }: OperationScope<Op>, q: LoginHistoryQuery): Promise<OpResponse<Op>> {
    if (!ctx.actorId || !ctx.tenantId) throw new DomainError('UNAUTHENTICATED', 'sign in first');
    const tenantId = ctx.tenantId;
    const cipher = new FieldCipher(await this.keyring.keysFor(tenantId));
    const rows = await this.data.transaction(async (tx) => {
      const found = await this.history.page(tx, tenantId, q);
      const subjects = [...new Set(found.slice(0, q.limit).flatMap((r) => (r.user_id ? [r.user_id] : [])))];
      await this.audit.record(tx, {
        action: 'list',
        resource: { type: 'login_history', id: null },
        subjectIds: subjects,
        fields: [
          { name: 'ip', category: 'user.network.ip' },
          { name: 'device', category: 'user.device' },
        ],
      });
      return found;
    });
    const page = rows.slice(0, q.limit);
    return {
      items: page.map((r) => LoginHistoryRepository.view(r, cipher)),
      nextCursor: rows.length > q.limit ? page[page.length - 1]!.id : null,
    };
  }
}

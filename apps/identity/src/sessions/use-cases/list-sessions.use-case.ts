import { AuditOutbox } from '@lekha/audit';
import { DomainError, SessionOps, type OpResponse } from '@lekha/contracts';
import { FieldCipher, TenantKeyring } from '@lekha/crypto';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { IdentityData } from '../../data/identity-data.js';
import { SessionRepository } from '../session.repository.js';
import { keyOwnerOf } from '../../users/platform-key.js';

type Op = typeof SessionOps.list;

/** The caller's own active sessions, newest activity first, with device and IP decrypted. */
@Handles(SessionOps.list)
export class ListSessionsUseCase implements UseCase<Op> {
  constructor(
    private readonly data: IdentityData,
    private readonly audit: AuditOutbox,
    private readonly keyring: TenantKeyring,
    private readonly sessions: SessionRepository,
  ) {}

  async execute(
    { ctx }: OperationScope<Op>,
    { currentSessionId }: { currentSessionId: string },
  ): Promise<OpResponse<Op>> {
    // A platform user has no tenant: their own sessions are found by user ID alone.
    if (!ctx.actorId) throw new DomainError('UNAUTHENTICATED', 'sign in first');
    const { actorId, tenantId } = ctx;
    const cipher = new FieldCipher(await this.keyring.keysFor(keyOwnerOf(tenantId)));
    const rows = await this.data.transaction(async (tx) => {
      const found = await this.sessions.listActive(tx, actorId);
      await this.audit.record(tx, {
        action: 'list',
        resource: { type: 'session', id: null },
        fields: [
          { name: 'ip', category: 'user.network.ip' },
          { name: 'device', category: 'user.device' },
        ],
      });
      return found;
    });
    return {
      items: rows.map((r) => ({
        id: r.id,
        device: cipher.decrypt('user_agent', r.user_agent_enc),
        ip: cipher.decrypt('ip', r.ip_enc),
        firstSeenAt: new Date(r.created_at).toISOString(),
        lastSeenAt: new Date(r.last_seen_at).toISOString(),
        current: r.id === currentSessionId,
      })),
    };
  }
}

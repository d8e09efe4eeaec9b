import { Injectable } from '@nestjs/common';
import { AuditOutbox } from '@lekha/audit';
import type { CreatePlatformUserRequest } from '@lekha/contracts';
import { Database } from '@lekha/persistence';
import type { RequestContext } from '@lekha/tenancy';
import { PlatformUserWriter } from '../platform-user-writer.js';
import { assertPlatformPermission } from '../platform-access.js';

/** A platform admin adds a support, compliance or admin user. */
@Injectable()
export class CreatePlatformUserUseCase {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditOutbox,
    private readonly writer: PlatformUserWriter,
  ) {}

  async execute(
    ctx: RequestContext,
    input: CreatePlatformUserRequest,
  ): Promise<{ id: string; roles: string[]; status: 'active' }> {
    await assertPlatformPermission(this.db, this.audit, ctx, 'platform:users:manage', {
      action: 'create',
      resource: 'platform_user',
    });
    const { id } = await this.writer.create(input);
    return { id, roles: [input.role], status: 'active' };
  }
}

import { Injectable } from '@nestjs/common';
import type { CreatePlatformUserRequest } from '@lekha/contracts';
import type { RequestContext } from '@lekha/tenancy';
import { PlatformUserWriter } from '../platform-user-writer.js';
import { PlatformAccess } from '../platform-access.js';

/** A platform admin adds a support, compliance or admin user. */
@Injectable()
export class CreatePlatformUserUseCase {
  constructor(
    private readonly platform: PlatformAccess,
    private readonly writer: PlatformUserWriter,
  ) {}

  async execute(
    ctx: RequestContext,
    input: CreatePlatformUserRequest,
  ): Promise<{ id: string; roles: string[]; status: 'active' }> {
    await this.platform.require(ctx, 'platform:users:manage', {
      action: 'create',
      resource: 'platform_user',
    });
    const { id } = await this.writer.create(input);
    return { id, roles: [input.role], status: 'active' };
  }
}

import { PlatformUserOps, type CreatePlatformUserRequest, type OpResponse } from '@lekha/contracts';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { PlatformUserWriter } from '../platform-user-writer.js';
import { PlatformAccess } from '../platform-access.js';

type Op = typeof PlatformUserOps.create;

/** A platform admin adds a support, compliance or admin user. */
@Handles(PlatformUserOps.create)
export class CreatePlatformUserUseCase implements UseCase<Op> {
  constructor(
    private readonly platform: PlatformAccess,
    private readonly writer: PlatformUserWriter,
  ) {}

  async execute(scope: OperationScope<Op>, input: CreatePlatformUserRequest): Promise<OpResponse<Op>> {
    await this.platform.requireFor(scope);
    const { id } = await this.writer.create(input);
    return { id, roles: [input.role], status: 'active' };
  }
}

import { TenantAccess } from '@lekha/access';
import { FeatureError, LedgerError, LedgerOps, uuidv7, type CreateLedgerAccountRequest } from '@lekha/contracts';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { LedgerRepository } from '../ledger.repository.js';
import { LedgerFields } from '../ledger-journal.js';

type Op = typeof LedgerOps.createAccount;

/** Opens an account; its name is stored encrypted (it may name a person). */
@Handles(LedgerOps.createAccount)
export class CreateLedgerAccountUseCase implements UseCase<Op> {
  constructor(
    private readonly access: TenantAccess,
    private readonly ledger: LedgerRepository,
  ) {}

  async execute(scope: OperationScope<Op>, input: CreateLedgerAccountRequest) {
    const result = await this.access.run(scope, async (data) => {
      if (input.code && (await this.ledger.accountByCode(data, input.code))) return null;
      const id = uuidv7();
      const createdAt = new Date();
      await this.ledger.insertAccount(
        data,
        {
          id,
          kind: input.kind,
          nameEnc: data.cipher.encrypt(LedgerFields.accountName, input.name)!,
          customerId: input.customerId ?? null,
          code: input.code ?? null,
        },
        scope.ctx.actorId,
        createdAt,
      );
      await data.record({
        resource: { id },
        subjectIds: input.customerId ? [input.customerId] : undefined,
        fields: [{ name: 'name', category: 'user.name' }],
      });
      return {
        id,
        name: input.name,
        kind: input.kind,
        customerId: input.customerId ?? null,
        code: input.code ?? null,
        createdAt: createdAt.toISOString(),
      };
    });
    if (result) return result;
    return this.access.refuse(
      scope,
      { reason: 'code_taken' },
      new FeatureError(LedgerError.CodeTaken, `another account has the code ${input.code}`),
    );
  }
}

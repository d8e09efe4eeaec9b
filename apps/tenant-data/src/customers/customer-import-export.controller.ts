import { Controller } from '@nestjs/common';
import { Ctx, MessagePattern, Payload } from '@nestjs/microservices';
import {
  Rpc,
  commitCustomerImportSchema,
  discardCustomerImportSchema,
  exportCustomersSchema,
  stageCustomerImportSchema,
} from '@lekha/contracts';
import { RpcExecutor, type BusContext } from '@lekha/runtime';
import { StageCustomerImportUseCase } from './use-cases/stage-customer-import.use-case.js';
import { CommitCustomerImportUseCase } from './use-cases/commit-customer-import.use-case.js';
import { DiscardCustomerImportUseCase } from './use-cases/discard-customer-import.use-case.js';
import { ExportCustomersUseCase } from './use-cases/export-customers.use-case.js';

/** CSV import (staged in chunks, committed at once) and export (page by page) of customers. */
@Controller()
export class CustomerImportExportController {
  constructor(
    private readonly rpc: RpcExecutor,
    private readonly stageImport: StageCustomerImportUseCase,
    private readonly commitImport: CommitCustomerImportUseCase,
    private readonly discardImport: DiscardCustomerImportUseCase,
    private readonly exportCustomers: ExportCustomersUseCase,
  ) {}

  @MessagePattern(Rpc.tenantData.stageCustomerImport)
  stage(@Payload() payload: unknown, @Ctx() kafka: BusContext) {
    return this.rpc.run(kafka, stageCustomerImportSchema, payload, (input, ctx) =>
      this.stageImport.execute(ctx, input),
    );
  }

  @MessagePattern(Rpc.tenantData.commitCustomerImport)
  commit(@Payload() payload: unknown, @Ctx() kafka: BusContext) {
    return this.rpc.run(kafka, commitCustomerImportSchema, payload, (input, ctx) =>
      this.commitImport.execute(ctx, input),
    );
  }

  @MessagePattern(Rpc.tenantData.discardCustomerImport)
  discard(@Payload() payload: unknown, @Ctx() kafka: BusContext) {
    return this.rpc.run(kafka, discardCustomerImportSchema, payload, (input, ctx) =>
      this.discardImport.execute(ctx, input.importId),
    );
  }

  @MessagePattern(Rpc.tenantData.exportCustomers)
  export(@Payload() payload: unknown, @Ctx() kafka: BusContext) {
    return this.rpc.run(kafka, exportCustomersSchema, payload, (input, ctx) =>
      this.exportCustomers.execute(ctx, input),
    );
  }
}

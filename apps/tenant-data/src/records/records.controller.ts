import { Controller } from '@nestjs/common';
import { Ctx, MessagePattern, Payload } from '@nestjs/microservices';
import { z } from 'zod';
import {
  Rpc,
  createRecordSchema,
  createRecordTypeSchema,
  listRecordsSchema,
  recordIdSchema,
  recordReportSchema,
  updateRecordSchema,
  updateRecordTypeSchema,
} from '@lekha/contracts';
import { RpcExecutor, type BusContext } from '@lekha/runtime';
import { CreateRecordTypeUseCase } from './use-cases/create-record-type.use-case.js';
import { UpdateRecordTypeUseCase } from './use-cases/update-record-type.use-case.js';
import { ListRecordTypesUseCase } from './use-cases/list-record-types.use-case.js';
import { CreateRecordUseCase } from './use-cases/create-record.use-case.js';
import { GetRecordUseCase } from './use-cases/get-record.use-case.js';
import { ListRecordsUseCase } from './use-cases/list-records.use-case.js';
import { RecordReportUseCase } from './use-cases/record-report.use-case.js';
import { UpdateRecordUseCase } from './use-cases/update-record.use-case.js';
import { DeleteRecordUseCase } from './use-cases/delete-record.use-case.js';
import { GetRecordHistoryUseCase } from './use-cases/get-record-history.use-case.js';

@Controller()
export class RecordsController {
  constructor(
    private readonly rpc: RpcExecutor,
    private readonly createType: CreateRecordTypeUseCase,
    private readonly updateType: UpdateRecordTypeUseCase,
    private readonly listTypes: ListRecordTypesUseCase,
    private readonly createRecord: CreateRecordUseCase,
    private readonly getRecord: GetRecordUseCase,
    private readonly listRecords: ListRecordsUseCase,
    private readonly reportUseCase: RecordReportUseCase,
    private readonly updateRecord: UpdateRecordUseCase,
    private readonly deleteRecord: DeleteRecordUseCase,
    private readonly recordHistory: GetRecordHistoryUseCase,
  ) {}

  @MessagePattern(Rpc.tenantData.recordTemplates)
  templates(@Payload() payload: unknown, @Ctx() kafka: BusContext) {
    return this.rpc.run(kafka, z.object({}), payload, async () => this.listTypes.templates());
  }

  @MessagePattern(Rpc.tenantData.createRecordType)
  createRecordType(@Payload() payload: unknown, @Ctx() kafka: BusContext) {
    return this.rpc.run(kafka, createRecordTypeSchema, payload, (input, ctx) => this.createType.execute(ctx, input));
  }

  @MessagePattern(Rpc.tenantData.updateRecordType)
  updateRecordType(@Payload() payload: unknown, @Ctx() kafka: BusContext) {
    return this.rpc.run(kafka, updateRecordTypeSchema, payload, (input, ctx) => this.updateType.execute(ctx, input));
  }

  @MessagePattern(Rpc.tenantData.listRecordTypes)
  listRecordTypes(@Payload() payload: unknown, @Ctx() kafka: BusContext) {
    return this.rpc.run(kafka, z.object({}), payload, (_input, ctx) => this.listTypes.execute(ctx));
  }

  @MessagePattern(Rpc.tenantData.createRecord)
  create(@Payload() payload: unknown, @Ctx() kafka: BusContext) {
    return this.rpc.run(kafka, createRecordSchema, payload, (input, ctx) => this.createRecord.execute(ctx, input));
  }

  @MessagePattern(Rpc.tenantData.getRecord)
  get(@Payload() payload: unknown, @Ctx() kafka: BusContext) {
    return this.rpc.run(kafka, recordIdSchema, payload, (input, ctx) => this.getRecord.execute(ctx, input.id));
  }

  @MessagePattern(Rpc.tenantData.listRecords)
  list(@Payload() payload: unknown, @Ctx() kafka: BusContext) {
    return this.rpc.run(kafka, listRecordsSchema, payload, (input, ctx) => this.listRecords.execute(ctx, input));
  }

  @MessagePattern(Rpc.tenantData.recordReport)
  report(@Payload() payload: unknown, @Ctx() kafka: BusContext) {
    return this.rpc.run(kafka, recordReportSchema, payload, (input, ctx) => this.reportUseCase.execute(ctx, input));
  }

  @MessagePattern(Rpc.tenantData.updateRecord)
  update(@Payload() payload: unknown, @Ctx() kafka: BusContext) {
    return this.rpc.run(kafka, updateRecordSchema, payload, (input, ctx) => this.updateRecord.execute(ctx, input));
  }

  @MessagePattern(Rpc.tenantData.deleteRecord)
  delete(@Payload() payload: unknown, @Ctx() kafka: BusContext) {
    return this.rpc.run(kafka, recordIdSchema, payload, (input, ctx) => this.deleteRecord.execute(ctx, input.id));
  }

  @MessagePattern(Rpc.tenantData.recordHistory)
  history(@Payload() payload: unknown, @Ctx() kafka: BusContext) {
    return this.rpc.run(kafka, recordIdSchema, payload, (input, ctx) => this.recordHistory.execute(ctx, input.id));
  }
}

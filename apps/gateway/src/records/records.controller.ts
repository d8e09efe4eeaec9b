import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Module,
  Param,
  Patch,
  Post,
  Put,
  Query,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import {
  Rpc,
  createRecordSchema,
  createRecordTypeSchema,
  listRecordsSchema,
  patchRecordSchema,
  recordIdSchema,
  recordJsonSchema,
  recordReportSchema,
  recordTypeKeySchema,
  type PatchRecordRequest,
  type RecordChangeView,
  type CreateRecordRequest,
  type CreateRecordTypeRequest,
  type ListRecordsRequest,
  type Page,
  type RecordJsonSchema,
  type RecordReport,
  type RecordReportRequest,
  type RecordTypeView,
  type RecordView,
} from '@lekha/contracts';
import { BusClient } from '../bus/bus-client.js';
import { JwtAuthGuard } from '../auth/jwt-auth.guard.js';
import { PermissionGuard, RequirePermission } from '../auth/permissions.js';

const typeKeyParams = z.strictObject({ key: recordTypeKeySchema });
const replaceTypeBody = z.strictObject({
  schema: recordJsonSchema,
  name: z.string().trim().min(1).max(100).optional(),
});

@ApiTags('records')
@ApiBearerAuth()
@UseGuards(JwtAuthGuard, PermissionGuard)
@Controller('v1/records')
export class RecordsController {
  constructor(private readonly bus: BusClient) {}

  @Get('templates')
  @RequirePermission('records:read', { action: 'read', resource: 'record_type' })
  @ApiOperation({
    summary: 'Ready record types for water delivery, appointments, rooms and maintenance, jobs and sale orders',
  })
  templates(): Promise<{ items: RecordTypeView[] }> {
    return this.bus.call(Rpc.tenantData.recordTemplates, {});
  }

  @Get('types')
  @RequirePermission('records:read', { action: 'list', resource: 'record_type' })
  @ApiOperation({ summary: 'The tenant’s record types' })
  types(): Promise<{ items: RecordTypeView[] }> {
    return this.bus.call(Rpc.tenantData.listRecordTypes, {});
  }

  @Post('types')
  @RequirePermission('records:types:manage', { action: 'create', resource: 'record_type' })
  @ApiOperation({
    summary: 'Define a record type from a template or a JSON Schema (each field names its data category in x-category)',
  })
  createType(@Body({ schema: createRecordTypeSchema }) body: CreateRecordTypeRequest): Promise<RecordTypeView> {
    return this.bus.call(Rpc.tenantData.createRecordType, body);
  }

  @Put('types/:key')
  @RequirePermission('records:types:manage', { action: 'update', resource: 'record_type' })
  @ApiOperation({ summary: 'Replace a type’s schema as a new version; existing records stay as written' })
  replaceType(
    @Param({ schema: typeKeyParams }) params: { key: string },
    @Body({ schema: replaceTypeBody }) body: { schema: RecordJsonSchema; name?: string },
  ): Promise<RecordTypeView> {
    return this.bus.call(Rpc.tenantData.updateRecordType, { key: params.key, ...body });
  }

  @Get('reports')
  @RequirePermission('records:reports', { action: 'read', resource: 'record_report' })
  @ApiOperation({ summary: 'Counts and totals per stage, day or month: no individual’s data' })
  report(@Query({ schema: recordReportSchema }) query: RecordReportRequest): Promise<RecordReport> {
    return this.bus.call(Rpc.tenantData.recordReport, query);
  }

  @Post()
  @RequirePermission('records:write', { action: 'create', resource: 'record' })
  @ApiOperation({ summary: 'Write a record, validated against its type; violations name the field as data.<field>' })
  create(@Body({ schema: createRecordSchema }) body: CreateRecordRequest): Promise<RecordView> {
    return this.bus.call(Rpc.tenantData.createRecord, body);
  }

  @Get()
  @RequirePermission('records:read', { action: 'list', resource: 'record' })
  @ApiOperation({ summary: 'Records newest first; filter by ?type=, ?customerId=, ?stage=, ?from=, ?to=' })
  list(@Query({ schema: listRecordsSchema }) query: ListRecordsRequest): Promise<Page<RecordView>> {
    return this.bus.call(Rpc.tenantData.listRecords, query);
  }

  @Get(':id')
  @RequirePermission('records:read', { action: 'read', resource: 'record' })
  @ApiOperation({ summary: 'One record; another tenant’s id is a 404' })
  get(@Param({ schema: recordIdSchema }) params: { id: string }): Promise<RecordView> {
    return this.bus.call(Rpc.tenantData.getRecord, { id: params.id });
  }

  @Patch(':id')
  @RequirePermission('records:write', { action: 'update', resource: 'record' })
  @ApiOperation({
    summary:
      'Change a record: data is merged (null removes a field) and validated against the type’s current version; assigneeUserId assigns it',
  })
  update(
    @Param({ schema: recordIdSchema }) params: { id: string },
    @Body({ schema: patchRecordSchema }) patch: PatchRecordRequest,
  ): Promise<RecordView> {
    return this.bus.call(Rpc.tenantData.updateRecord, { id: params.id, patch });
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePermission('records:delete', { action: 'delete', resource: 'record' })
  @ApiOperation({ summary: 'Delete a record at once and for good; the deletion is audited' })
  async remove(@Param({ schema: recordIdSchema }) params: { id: string }): Promise<void> {
    await this.bus.call(Rpc.tenantData.deleteRecord, { id: params.id });
  }

  @Get(':id/history')
  @RequirePermission('records:read', { action: 'read', resource: 'record_history' })
  @ApiOperation({ summary: 'Who changed which fields of a record, and when (field names only, no values)' })
  history(@Param({ schema: recordIdSchema }) params: { id: string }): Promise<{ items: RecordChangeView[] }> {
    return this.bus.call(Rpc.tenantData.recordHistory, { id: params.id });
  }
}

/** Registered in the gateway's AppModule imports. */
@Module({ controllers: [RecordsController] })
export class RecordsFeatureModule {}

import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Patch,
  Post,
  Query,
  Req,
  Res,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiConsumes, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { z } from 'zod';
import {
  Rpc,
  createCustomerSchema,
  customerIdSchema,
  listCustomersSchema,
  patchCustomerSchema,
  type CreateCustomerRequest,
  type CustomerChangeView,
  type CustomerExportPage,
  type CustomerImportResult,
  type CustomerView,
  type DataMapEntry,
  type ListCustomersRequest,
  type Page,
  type PatchCustomerRequest,
} from '@lekha/contracts';
import { BusClient } from '../bus/bus-client.js';
import { JwtAuthGuard } from '../auth/jwt-auth.guard.js';
import { PermissionGuard, RequirePermission } from '../auth/permissions.js';
import { importCustomers, readCsvBody } from './customer-import.js';
import { streamPagedExport } from '../common/paged-export.js';
import { exportColumns, exportRow } from './customer-csv.js';

const exportQuerySchema = z.strictObject({ format: z.enum(['csv', 'json']).default('csv') });
const EXPORT_PAGE = 500;

@ApiTags('customers')
@ApiBearerAuth()
@UseGuards(JwtAuthGuard, PermissionGuard)
@Controller('v1/customers')
export class CustomersController {
  constructor(private readonly bus: BusClient) {}

  @Post()
  @RequirePermission('customers:write', { action: 'create', resource: 'customer' })
  @ApiOperation({ summary: 'Create a customer (data principal) in the caller’s tenant' })
  create(@Body({ schema: createCustomerSchema }) body: CreateCustomerRequest): Promise<CustomerView> {
    return this.bus.call(Rpc.tenantData.createCustomer, body);
  }

  @Get()
  @RequirePermission('customers:read', { action: 'list', resource: 'customer' })
  @ApiOperation({
    summary:
      'List customers, newest first; ?phone= and ?email= search by blind index; ?tag=, ?preferredLanguage=, ?consent= filter',
  })
  list(@Query({ schema: listCustomersSchema }) query: ListCustomersRequest): Promise<Page<CustomerView>> {
    return this.bus.call(Rpc.tenantData.listCustomers, query);
  }

  @Post('import')
  @RequirePermission('customers:write', { action: 'create', resource: 'customer_import' })
  @ApiConsumes('text/csv')
  @ApiOperation({
    summary:
      'Import customers from CSV (at most 5 MiB, 10,000 rows): all rows or none; 422 IMPORT_REJECTED lists every bad row (row, column, reason)',
  })
  async import(@Req() req: Request): Promise<CustomerImportResult> {
    return importCustomers(this.bus, await readCsvBody(req));
  }

  // Declared before `:id` so that the literal path is not taken for an id.
  @Get('export')
  @RequirePermission('customers:export', { action: 'export', resource: 'customer' })
  @ApiProduces('text/csv', 'application/json')
  @ApiOperation({
    summary:
      'Every customer of the tenant as CSV (formula-safe) or a JSON array, streamed page by page; fields as the caller’s role may see them',
  })
  async export(
    @Query({ schema: exportQuerySchema }) query: z.output<typeof exportQuerySchema>,
    @Res() res: Response,
  ): Promise<void> {
    // The first page is fetched before any byte is sent, so a refusal still gets a proper status.
    const first = await this.bus.call<CustomerExportPage>(Rpc.tenantData.exportCustomers, { limit: EXPORT_PAGE });
    const csv = query.format === 'csv';
    const columns = exportColumns(first.fields);
    await streamPagedExport(res, {
      contentType: csv ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8',
      filename: `customers-${new Date().toISOString().slice(0, 10)}.${query.format}`,
      first,
      next: (cursor) =>
        this.bus.call<CustomerExportPage>(Rpc.tenantData.exportCustomers, { limit: EXPORT_PAGE, cursor }),
      head: csv ? `${columns.join(',')}\r\n` : '[',
      render: (page, itemsBefore) =>
        !page.items.length
          ? ''
          : csv
            ? page.items.map((c) => `${exportRow(columns, c)}\r\n`).join('')
            : (itemsBefore === 0 ? '\n' : ',\n') + page.items.map((c) => JSON.stringify(c)).join(',\n'),
      tail: csv ? undefined : '\n]\n',
    });
  }

  @Get('data-map')
  @RequirePermission('customers:read', { action: 'read', resource: 'data_map' })
  @ApiOperation({
    summary:
      'The data map: every personal field of a customer, its category, storage and who sees it masked or not at all',
  })
  dataMap(): Promise<{ items: DataMapEntry[] }> {
    return this.bus.call(Rpc.tenantData.customerDataMap, {});
  }

  @Get(':id')
  @RequirePermission('customers:read', { action: 'read', resource: 'customer' })
  @ApiOperation({ summary: 'One customer; another tenant’s id is a 404' })
  get(@Param({ schema: customerIdSchema }) params: { id: string }): Promise<CustomerView> {
    return this.bus.call(Rpc.tenantData.getCustomer, { id: params.id });
  }

  @Patch(':id')
  @RequirePermission('customers:write', { action: 'update', resource: 'customer' })
  @ApiOperation({ summary: 'Change some fields (null clears one); the change is kept in the field-level history' })
  update(
    @Param({ schema: customerIdSchema }) params: { id: string },
    @Body({ schema: patchCustomerSchema }) patch: PatchCustomerRequest,
  ): Promise<CustomerView> {
    return this.bus.call(Rpc.tenantData.updateCustomer, { id: params.id, patch });
  }

  @Delete(':id')
  @HttpCode(204)
  @RequirePermission('customers:delete', { action: 'delete', resource: 'customer' })
  @ApiOperation({ summary: 'Delete a customer at once and for good (no trash); the deletion is audited' })
  async remove(@Param({ schema: customerIdSchema }) params: { id: string }): Promise<void> {
    await this.bus.call(Rpc.tenantData.deleteCustomer, { id: params.id });
  }

  @Get(':id/history')
  @RequirePermission('customers:read', { action: 'read', resource: 'customer_history' })
  @ApiOperation({ summary: 'Who changed which fields of a customer, and when (field names only, no values)' })
  history(@Param({ schema: customerIdSchema }) params: { id: string }): Promise<{ items: CustomerChangeView[] }> {
    return this.bus.call(Rpc.tenantData.customerHistory, { id: params.id });
  }
}
